"""One group floods the bot: other chats are still answered at once, the group gets one
"slow down", and SIGTERM with a queue drains within its deadline. The real library and
the real runner against the fake Bot API."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import replace

import pytest
from tg_fake_api import FakeBotApi, Updates
from tg_html import parse

from adapters.telegram.runner import serve
from bot.ratelimit import SLOW_DOWN
from bot.service import CreditsService
from bot.settings import Settings

GROUP = -100777


class Slow:
    """The real service, answering each question 0.3 s late (a loaded host)."""

    def __init__(self, service: CreditsService) -> None:
        self._service = service

    async def ask(self, query: object) -> object:
        await asyncio.sleep(0.3)
        return await self._service.ask(query)  # type: ignore[arg-type]

    def __getattr__(self, name: str) -> object:
        return getattr(self._service, name)


async def test_a_flooding_group_does_not_hold_up_other_chats(
    fake_api: FakeBotApi, tg_settings: Settings, service: CreditsService, updates: Updates
) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(serve(tg_settings, service, stop))
    try:
        await fake_api.wait_for_method("getUpdates")
        for n in range(300):  # 30 people, 10 each: the chat's limit is what binds
            await fake_api.push_update(
                updates.message(
                    "/credits iron man",
                    chat_id=GROUP,
                    chat_type="supergroup",
                    user_id=1000 + n % 30,
                )
            )
        pushed: dict[int, float] = {}
        for chat in range(1, 6):
            pushed[chat] = time.monotonic()
            await fake_api.push_update(
                updates.message("/credits children of heaven", chat_id=chat, user_id=chat)
            )
        answered: dict[int, float] = {}
        deadline = time.monotonic() + 5
        while len(answered) < len(pushed) and time.monotonic() < deadline:
            for call in fake_api.of("sendMessage"):
                chat = int(call.params["chat_id"])
                if chat in pushed and chat not in answered:
                    answered[chat] = time.monotonic()
            await asyncio.sleep(0.01)
        waits = {chat: answered.get(chat, float("inf")) - pushed[chat] for chat in pushed}
        assert all(w < 2.0 for w in waits.values()), waits
        group = [c for c in fake_api.of("sendMessage") if int(c.params["chat_id"]) == GROUP]
        slow = [c for c in group if parse(c.text).text == SLOW_DOWN]
        assert len(slow) == 1  # one per burst, not one per message
        assert len(group) <= tg_settings.rate_chat_burst + 1
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


def test_the_queue_settings_reach_the_update_processor(tg_settings: Settings) -> None:
    from adapters.telegram.app import build_application
    from adapters.telegram.flood import FairUpdateProcessor

    settings = replace(tg_settings, telegram_workers=5, telegram_chat_queue=2)
    app = build_application(settings, Slow(None))  # type: ignore[arg-type]
    processor = app.update_processor
    assert isinstance(processor, FairUpdateProcessor)
    assert processor.chat_queue == 2
    assert processor._workers._value == 5


async def test_sigterm_with_a_queue_drains_within_the_deadline_and_says_what_it_dropped(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # generous limits, so the group's queue fills, and slow answers, so it stays full;
    # half a second to drain (TELEGRAM_DRAIN_SECONDS)
    settings = replace(
        tg_settings, rate_chat_burst=1000, rate_person_burst=1000, telegram_drain_seconds=0.5
    )
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, Slow(service), stop))  # type: ignore[arg-type]
    await fake_api.wait_for_method("getUpdates")
    for n in range(60):
        await fake_api.push_update(
            updates.message("/credits iron man", chat_id=GROUP, chat_type="supergroup", user_id=n)
        )
    await fake_api.wait_for_method("sendMessage", 1, within=5)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        stop.set()
        await asyncio.wait_for(task, 15)
    assert time.monotonic() - started < 3.0
    dropped = [r.getMessage() for r in caplog.records if "still queued" in r.getMessage()]
    assert len(dropped) == 1 and "dropped" in dropped[0]
    assert len(fake_api.of("sendMessage")) < 8  # the queue was not worked off to the end
