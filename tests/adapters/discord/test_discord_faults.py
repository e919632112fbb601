"""Faults: rate limits, server errors, a failing or slow core; the one error hook."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace
from typing import Any

import aiohttp
import discord
import discord.webhook.async_
import pytest
from discord_testkit import (
    EPHEMERAL,
    TOKEN,
    FakeDiscord,
    FakeService,
    Harness,
    check_well_formed,
)

from adapters.discord import replies
from bot.errors import CatalogError
from bot.texts import APOLOGY

CALLBACK = r"/interactions/\d+/[^/]+/callback$"
RATE_LIMITED = {"message": "You are being rate limited.", "retry_after": 0.05, "global": False}


def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py waits 1, 3, 5, 7 s between retries of a 5xx: make those waits short."""
    real_sleep = asyncio.sleep

    async def sleep(delay: float, result: Any = None) -> Any:
        return await real_sleep(min(delay, 0.01), result)

    proxy = SimpleNamespace(
        **{n: getattr(asyncio, n) for n in dir(asyncio) if not n.startswith("__")}
    )
    proxy.sleep = sleep
    monkeypatch.setattr(discord.webhook.async_, "asyncio", proxy)


async def assert_answers_next(bot: Harness) -> None:
    _, reply = await bot.command("credits", "Quiet Film")
    check_well_formed(reply)
    assert reply.message_data["embeds"][0]["author"]["name"] == "Quiet Film (2001)"


async def test_rate_limit_with_via_is_retried_and_logged(
    bot: Harness, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.fail(
        "POST",
        CALLBACK,
        429,
        RATE_LIMITED,
        headers={"Via": "1.1 google", "Retry-After": "1", "X-RateLimit-Scope": "user"},
    )
    with caplog.at_level(logging.WARNING):
        _, reply = await bot.command("credits", "Late Film")
    statuses = [r.status for r in fake_discord.requests if r.kind == "callback"]
    assert statuses == [429, 200]
    check_well_formed(reply)
    assert any("rate limited" in r.getMessage() for r in caplog.records)
    await assert_answers_next(bot)


async def test_rate_limit_without_via_is_an_error_the_hook_reports(
    bot: Harness, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.fail("POST", CALLBACK, 429, RATE_LIMITED)
    with caplog.at_level(logging.ERROR):
        _, reply = await bot.command("credits", "Late Film")
    assert reply.message_data["content"] == APOLOGY
    assert reply.message_data["flags"] & EPHEMERAL
    assert any(r.exc_info for r in caplog.records if r.name == "adapters.discord.failures")
    await assert_answers_next(bot)


async def test_server_error_is_logged_and_the_bot_survives(
    bot: Harness,
    fake_discord: FakeDiscord,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fast_retries(monkeypatch)
    fake_discord.fail("POST", CALLBACK, 500, {"message": "500: Internal Server Error"}, times=5)
    with caplog.at_level(logging.ERROR):
        payload, reply = await bot.command("credits", "Late Film")
    statuses = [r.status for r in fake_discord.for_interaction(payload)]
    assert statuses == [500] * 5 + [200]  # discord.py retried, then the hook apologised
    assert reply.message_data["content"] == APOLOGY
    (logged,) = [r for r in caplog.records if r.name == "adapters.discord.failures"]
    assert logged.exc_info and logged.exc_info[0] is discord.DiscordServerError
    await assert_answers_next(bot)


async def test_a_failing_core_gets_an_apology_and_a_logged_traceback(
    bot: Harness, fake_service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    fake_service.fail_with = RuntimeError("database exploded at /secret/path")
    with caplog.at_level(logging.ERROR):
        _, reply = await bot.command("credits", "Late Film")
    data = reply.message_data
    assert data["content"] == APOLOGY and data["flags"] & EPHEMERAL
    assert "exploded" not in str(reply.body) and "Traceback" not in str(reply.body)
    (logged,) = [r for r in caplog.records if r.name == "adapters.discord.failures"]
    assert "/credits" in logged.getMessage()
    assert logged.exc_info and "exploded" in str(logged.exc_info[1])
    fake_service.fail_with = None
    await assert_answers_next(bot)


async def test_a_bot_error_is_shown_as_its_message(bot: Harness, fake_service: FakeService) -> None:
    fake_service.fail_with = CatalogError("The catalog is being rebuilt: try again in a minute.")
    _, reply = await bot.command("credits", "Late Film")
    assert reply.message_data["content"] == "The catalog is being rebuilt: try again in a minute."


async def test_a_failing_button_gets_the_same_apology(
    bot: Harness, fake_service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    _, reply = await bot.command("credits", "Late Film")
    message = bot.message_of(reply)
    fake_service.fail_with = RuntimeError("boom")
    with caplog.at_level(logging.ERROR):
        _, answer = await bot.click(message, "credits:recap:late-film-2003")
    assert answer.message_data["content"] == APOLOGY
    (logged,) = [r for r in caplog.records if r.name == "adapters.discord.failures"]
    assert "credits:recap:late-film-2003" in logged.getMessage()


async def test_failing_autocomplete_answers_no_choices(
    bot: Harness, fake_service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    fake_service.fail_with = RuntimeError("boom")
    with caplog.at_level(logging.ERROR):
        assert await bot.autocomplete("credits", "du") == []
    assert any(r.name == "adapters.discord.failures" for r in caplog.records)


async def test_a_slow_core_defers_then_follows_up(
    make_bot: Any, fake_discord: FakeDiscord, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(replies, "DEFER_AFTER", 0.05)
    bot: Harness = await make_bot(FakeService(delay=0.2))
    payload, first = await bot.command("credits", "Late Film")
    assert first.body["type"] == 5  # "thinking…" within Discord's 3 seconds
    _, answer = await fake_discord.replies(payload, count=2)
    assert answer.kind == "followup"
    check_well_formed(answer)
    assert answer.message_data["embeds"][0]["author"]["name"] == "Late Film (2003)"


async def test_slow_suggestions_answer_no_choices(
    make_bot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from adapters.discord import app

    monkeypatch.setattr(app, "AUTOCOMPLETE_BUDGET", 0.05)
    bot: Harness = await make_bot(FakeService(delay=0.5))
    assert await bot.autocomplete("credits", "du") == []


async def test_no_token_in_the_logs(
    make_bot: Any, fake_service: FakeService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        bot: Harness = await make_bot(fake_service)
        await bot.command("credits", "Late Film")
        fake_service.fail_with = RuntimeError("boom")
        await bot.command("credits", "Late Film")
    assert len(caplog.records) > 5
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in str(record.args)


async def test_a_dropped_connection_is_logged_and_the_bot_answers_the_next(
    bot: Harness, fake_discord: FakeDiscord, caplog: pytest.LogCaptureFixture
) -> None:
    fake_discord.drop("POST", CALLBACK)
    with caplog.at_level(logging.ERROR):
        payload, reply = await bot.command("credits", "Late Film")
    statuses = [r.status for r in fake_discord.for_interaction(payload)]
    assert statuses == [0, 200]  # the reply was lost; the hook's apology got through
    assert reply.message_data["content"] == APOLOGY
    assert reply.message_data["flags"] & EPHEMERAL
    (logged,) = [r for r in caplog.records if r.name == "adapters.discord.failures"]
    assert logged.exc_info and issubclass(logged.exc_info[0], aiohttp.ClientConnectionError)
    await assert_answers_next(bot)
