"""Start-up against an unreliable network, webhook safety, and pending updates after
a long downtime: the real library against the fake Bot API."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

import pytest
from telegram.error import NetworkError
from tg_fake_api import FakeBotApi, Updates
from tg_html import parse

from adapters.telegram import runner
from adapters.telegram.runner import HEARTBEAT_FILE, serve
from bot.errors import ConfigError
from bot.service import CreditsService
from bot.settings import Settings


@pytest.fixture(autouse=True)
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "START_FIRST_DELAY", 0.05)


async def test_network_failures_at_start_are_retried_with_a_log_line(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    caplog: pytest.LogCaptureFixture,
    tmp_path: object,
) -> None:
    fake_api.drop_next("getMe")
    fake_api.drop_next("getMe")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(tg_settings, service, stop))
    try:
        await fake_api.wait_for_method("getUpdates")
        await fake_api.push_update(updates.message("/credits iron man"))
        (reply,) = await fake_api.wait_for_method("sendMessage")
        assert "Iron Man (2008)" in parse(reply.text).text
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert len(fake_api.of("getMe")) == 3
    retries = [
        r.getMessage() for r in caplog.records if "network failure at start" in r.getMessage()
    ]
    assert [m.split("; ")[1].split(",")[0] for m in retries] == ["attempt 1 of 8", "attempt 2 of 8"]


async def test_retries_are_bounded(
    fake_api: FakeBotApi, tg_settings: Settings, service: CreditsService
) -> None:
    for _ in range(3):
        fake_api.drop_next("getMe")
    settings = replace(tg_settings, start_retries=3)
    with pytest.raises(NetworkError):
        await asyncio.wait_for(serve(settings, service, asyncio.Event()), 10)
    assert len(fake_api.of("getMe")) == 3


async def test_sigterm_ends_the_wait_between_retries(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(runner, "START_FIRST_DELAY", 30.0)
    fake_api.drop_next("getMe")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(tg_settings, service, stop))
    await fake_api.wait_for_method("getMe")
    await asyncio.sleep(0.1)
    started = time.monotonic()
    stop.set()
    await asyncio.wait_for(task, 5)
    assert time.monotonic() - started < 1.0
    assert not fake_api.of("getUpdates")


async def test_webhook_without_a_secret_refuses_to_start(
    fake_api: FakeBotApi, tg_settings: Settings, service: CreditsService
) -> None:
    settings = replace(tg_settings, telegram_webhook_url="https://bot.example.com/hook")
    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_SECRET is not"):
        await serve(settings, service, asyncio.Event())
    assert fake_api.calls == []  # refused before talking to Telegram


@pytest.mark.parametrize(
    ("down_for", "limit", "dropped"),
    [(None, 900, False), (60, 900, False), (3600, 900, True), (5, 0, True)],
    ids=["first-start", "quick-restart", "long-downtime", "always"],
)
async def test_pending_updates_are_dropped_after_a_long_downtime(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    tmp_path: object,
    down_for: int | None,
    limit: int,
    dropped: bool,
) -> None:
    from pathlib import Path

    state = Path(str(tmp_path)) / "state"
    settings = replace(tg_settings, state_dir_setting=state, telegram_drop_pending_after=limit)
    if down_for is not None:
        state.mkdir()
        (state / HEARTBEAT_FILE).write_text(f"{time.time() - down_for:.0f}\n")
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, service, stop))
    try:
        (delete,) = await fake_api.wait_for_method("deleteWebhook")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    assert delete.params.get("drop_pending_updates") in (
        (True, "true") if dropped else (False, "false")
    )
    noted = float((state / HEARTBEAT_FILE).read_text())
    assert abs(noted - time.time()) < 5  # the bot noted when it was last up
