"""serve(): start-up calls, long polling, webhook mode, faults, clean shutdown, no token in logs."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import replace

import aiohttp
import pytest
from telegram.error import NetworkError
from tg_fake_api import TOKEN, FakeBotApi, Updates
from tg_harness import Scripted
from tg_html import parse

from adapters.telegram.handlers import COMMANDS
from adapters.telegram.runner import serve
from bot.errors import ConfigError
from bot.service import CreditsService
from bot.settings import Secret, Settings
from bot.texts import APOLOGY

Runner = Callable[[], Awaitable[None]]


@asynccontextmanager
async def running(settings: Settings, service: object) -> AsyncIterator[asyncio.Event]:
    """Run serve() in a task; on exit set ``stop`` and require a clean return."""
    stop = asyncio.Event()
    task = asyncio.create_task(serve(settings, service, stop))  # type: ignore[arg-type]
    try:
        yield stop
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_startup_calls_polling_reply_and_clean_shutdown(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    no_token_in_logs: pytest.LogCaptureFixture,
) -> None:
    async with running(tg_settings, service):
        await fake_api.wait_for_method("getUpdates")
        methods = [c.method for c in fake_api.calls]
        menus = fake_api.of("setMyCommands")
        assert methods[: 2 + len(menus)] == [
            "getMe",
            *["setMyCommands"] * len(menus),
            "deleteWebhook",
        ]
        # One menu for everybody (no language code), then one per language, translated.
        codes = [c.params.get("language_code") for c in menus]
        assert codes == [None, "es", "pt", "fr", "de", "ru", "fa"]
        english = menus[0].params["commands"]
        assert english == [{"command": n, "description": d} for n, d in COMMANDS]
        for menu in menus[1:]:
            commands = menu.params["commands"]
            assert [c["command"] for c in commands] == [n for n, _ in COMMANDS]
            assert all(
                c["description"] != e["description"] for c, e in zip(commands, english, strict=True)
            )

        first = await fake_api.push_update(updates.message("/credits iron man"))
        second = await fake_api.push_update(updates.message("children of heavn"))
        sent = await fake_api.wait_for_method("sendMessage", 2)
        texts = sorted(parse(c.text).text for c in sent)
        assert any("Iron Man (2008)" in t for t in texts)
        assert any("Children of Heaven (1997)" in t for t in texts)

    last = fake_api.calls[-1]
    assert last.method == "getUpdates"
    assert last.params["offset"] == max(first, second) + 1
    assert last.params["timeout"] == 0
    assert fake_api.acknowledged == max(first, second)
    assert fake_api.rejected == []
    assert "Telegram bot stopped" in no_token_in_logs.text


# python-telegram-bot's own RetryAfter warns about a future change of its type.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_survives_a_429_and_a_500_and_answers_the_next_update(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    no_token_in_logs: pytest.LogCaptureFixture,
) -> None:
    async with running(tg_settings, service):
        await fake_api.wait_for_method("getUpdates")

        # 429 with retry_after: the rate limiter waits and sends the same message again.
        fake_api.fail_next("sendMessage", 429, retry_after=1)
        await fake_api.push_update(updates.message("/credits iron man"))
        sent = await fake_api.wait_for_method("sendMessage", 2)
        assert sent[0].params == sent[1].params
        assert "Iron Man (2008)" in parse(sent[1].text).text

        # 500 on the reply: logged, the user gets an apology, the bot keeps going.
        fake_api.fail_next("sendMessage", 500)
        await fake_api.push_update(updates.message("thor ragnarok?"))
        sent = await fake_api.wait_for_method("sendMessage", 4)
        assert APOLOGY in parse(sent[3].text).text

        # 500 on getUpdates: polling retries.
        fake_api.fail_next("getUpdates", 500)
        await fake_api.push_update(updates.message("children of heavn"))
        sent = await fake_api.wait_for_method("sendMessage", 5, within=8)
        assert "Children of Heaven (1997)" in parse(sent[4].text).text

    assert fake_api.rejected == []
    errors = [r for r in no_token_in_logs.records if r.levelno >= logging.ERROR]
    assert any(r.exc_info for r in errors), "the fault was logged with its traceback"


async def test_survives_a_dropped_connection_and_answers_the_next_update(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    no_token_in_logs: pytest.LogCaptureFixture,
) -> None:
    async with running(tg_settings, service):
        await fake_api.wait_for_method("getUpdates")

        # The reply's connection closes with no HTTP answer: logged, the user gets an
        # apology, the bot keeps going.
        fake_api.drop_next("sendMessage")
        await fake_api.push_update(updates.message("thor ragnarok?"))
        sent = await fake_api.wait_for_method("sendMessage", 2)
        assert sent[0].result is None  # the dropped one was never answered
        assert APOLOGY in parse(sent[1].text).text

        await fake_api.push_update(updates.message("/credits iron man"))
        sent = await fake_api.wait_for_method("sendMessage", 3)
        assert "Iron Man (2008)" in parse(sent[2].text).text

    assert fake_api.rejected == []
    (record,) = [r for r in no_token_in_logs.records if r.name == "adapters.telegram.handlers"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and isinstance(record.exc_info[1], NetworkError)


async def test_error_handler_logs_the_traceback_and_apologises(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    scripted: Scripted,
    updates: Updates,
    no_token_in_logs: pytest.LogCaptureFixture,
) -> None:
    scripted.next_answers.append(RuntimeError("database on fire"))
    async with running(tg_settings, scripted):
        await fake_api.wait_for_method("getUpdates")
        await fake_api.push_update(updates.message("iron man"))
        (reply,) = await fake_api.wait_for_method("sendMessage")
        text = parse(reply.text).text
        assert text == APOLOGY
        assert "fire" not in text and "Traceback" not in text

        await fake_api.push_update(updates.message("iron man"))
        sent = await fake_api.wait_for_method("sendMessage", 2)
        assert "Iron Man (2008)" in parse(sent[1].text).text

    (record,) = [r for r in no_token_in_logs.records if r.name == "adapters.telegram.handlers"]
    assert record.levelno == logging.ERROR
    assert record.exc_info and "database on fire" in str(record.exc_info[1])


async def test_a_failing_button_gets_an_apology_toast(
    fake_api: FakeBotApi, tg_settings: Settings, scripted: Scripted, updates: Updates
) -> None:
    async def broken(film_id: str) -> object:
        raise RuntimeError("boom")

    scripted.film = broken  # type: ignore[method-assign,assignment]
    async with running(tg_settings, scripted):
        await fake_api.wait_for_method("getUpdates")
        await fake_api.push_update(updates.callback("a:iron-man-2008", inline_message_id="x"))
        (toast,) = await fake_api.wait_for_method("answerCallbackQuery")
        assert toast.params["text"] == APOLOGY


async def test_a_rejected_token_is_a_clear_config_error(
    fake_api: FakeBotApi, tg_settings: Settings, service: CreditsService
) -> None:
    settings = replace(tg_settings, telegram_token=Secret("999:wrong"))
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        await serve(settings, service, asyncio.Event())


async def test_missing_token_is_a_config_error(
    tg_settings: Settings, service: CreditsService
) -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        await serve(replace(tg_settings, telegram_token=None), service, asyncio.Event())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def post_when_up(url: str, body: object, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as http:
        for _ in range(100):
            try:
                async with http.post(url, json=body, headers=headers) as response:
                    return response.status
            except aiohttp.ClientConnectorError:
                await asyncio.sleep(0.02)
    raise AssertionError(f"nothing listens at {url}")


async def test_webhook_mode(
    fake_api: FakeBotApi,
    tg_settings: Settings,
    service: CreditsService,
    updates: Updates,
    no_token_in_logs: pytest.LogCaptureFixture,
) -> None:
    port = free_port()
    settings = replace(
        tg_settings,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram/hook",
        telegram_webhook_listen="127.0.0.1",
        telegram_webhook_port=port,
        telegram_webhook_secret=Secret("s3cret-token"),
    )
    async with running(settings, service):
        (hook,) = await fake_api.wait_for_method("setWebhook")
        assert hook.params["url"] == f"http://127.0.0.1:{port}/telegram/hook"
        assert hook.params["secret_token"] == "s3cret-token"
        assert TOKEN not in hook.params["url"]

        url = f"http://127.0.0.1:{port}/telegram/hook"
        bad = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        good = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
        # The webhook server starts listening just after setWebhook.
        assert await post_when_up(url, updates.message("iron man"), bad) == 403
        assert await post_when_up(url, updates.message("iron man"), good) == 200
        (reply,) = await fake_api.wait_for_method("sendMessage")
        assert "Iron Man (2008)" in parse(reply.text).text
    assert not fake_api.of("getUpdates")
