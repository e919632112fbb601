"""Floods and an unreliable network: per-person and per-server limits with one ephemeral
"slow down" reply; start-up retried with backoff on network failures."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from discord_testkit import (
    OTHER_USER_ID,
    TOKEN,
    USER_ID,
    FakeDiscord,
    Harness,
    command_payload,
    component_payload,
    custom_ids,
)

import adapters.discord.runner as runner
from adapters.discord.runner import serve
from bot.metrics import METRICS
from bot.ratelimit import SLOW_DOWN, Rate, RateLimiter
from bot.settings import Secret, Settings

EPHEMERAL = 64
MakeBot = Callable[..., Awaitable[Harness]]


def _refusals() -> float:
    return METRICS.rate_limited.labels("discord")._value.get()


async def _no_reply(fake: FakeDiscord, payload: dict[str, Any]) -> None:
    await fake.settle(0.1)
    assert fake.for_interaction(payload) == []


async def test_one_person_flooding_gets_one_ephemeral_slow_down_and_others_are_answered(
    make_bot: MakeBot, service: Any
) -> None:
    limiter = RateLimiter(Rate(2, 1), Rate(100, 60), platform="discord")
    bot = await make_bot(service, limiter=limiter)
    before = _refusals()
    for _ in range(2):
        _, reply = await bot.command("credits", "iron man")
        assert not reply.message_data.get("flags", 0) & EPHEMERAL
    _, refused = await bot.command("credits", "iron man")
    assert refused.body["type"] == 4
    assert refused.message_data["content"] == SLOW_DOWN
    assert refused.message_data["flags"] & EPHEMERAL
    # The rest of the burst: no reply at all (no API call spent on the flood).
    for _ in range(5):
        payload = command_payload("credits", "iron man")
        bot.dispatch(payload)
        await _no_reply(bot.fake, payload)
    assert _refusals() == before + 6
    # Someone else, and the flooder's autocomplete, are still served.
    _, other = await bot.command("credits", "iron man", user_id=OTHER_USER_ID)
    assert "Iron Man" in str(other.body)
    assert await bot.autocomplete("credits", "iron")


async def test_buttons_count_against_the_same_limits_as_commands(
    make_bot: MakeBot, service: Any
) -> None:
    """Pressing the buttons under an answer over and over is a flood like any other."""
    limiter = RateLimiter(Rate(3, 60), Rate(100, 60), platform="discord")
    bot = await make_bot(service, limiter=limiter)
    _, reply = await bot.command("credits", "iron man")
    message = bot.message_of(reply)
    (recap,) = [i for i in custom_ids(message) if i.startswith("credits:recap:")]
    for _ in range(2):
        _, shown = await bot.click(message, recap)
        assert shown.message_data.get("content") != SLOW_DOWN
    before = _refusals()
    _, refused = await bot.click(message, recap)
    assert refused.body["type"] == 4
    assert refused.message_data["content"] == SLOW_DOWN
    assert refused.message_data["flags"] & EPHEMERAL
    payload = component_payload(message, recap)
    bot.dispatch(payload)
    await _no_reply(bot.fake, payload)
    assert _refusals() == before + 2
    # Another person's presses are theirs to spend.
    _, other = await bot.click(message, recap, user_id=OTHER_USER_ID)
    assert other.message_data.get("content") != SLOW_DOWN


async def test_a_busy_server_is_limited_but_direct_messages_are_not(
    make_bot: MakeBot, service: Any
) -> None:
    limiter = RateLimiter(Rate(100, 60), Rate(3, 1), platform="discord")
    bot = await make_bot(service, limiter=limiter)
    for user in range(3):
        _, reply = await bot.command("credits", "dune", user_id=USER_ID + 10 + user)
        assert not reply.message_data.get("flags", 0) & EPHEMERAL
    _, refused = await bot.command("credits", "dune", user_id=USER_ID + 20)
    assert refused.message_data["content"] == SLOW_DOWN
    assert refused.message_data["flags"] & EPHEMERAL
    _, dm = await bot.command("credits", "dune", where="dm", user_id=USER_ID + 21)
    assert dm.message_data.get("content") != SLOW_DOWN


async def test_network_failures_at_start_are_retried_with_backoff(
    fake_discord: FakeDiscord,
    service: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(runner, "START_FIRST_DELAY", 0.02)
    fake_discord.drop("GET", r"^/users/@me$", times=2)  # the connection drops, no reply
    settings = Settings(discord_token=Secret(TOKEN), state_dir_setting=tmp_path)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, service, stop))
    await fake_discord.wait_frame(2)  # connected to the gateway after the retries
    logins = [r for r in fake_discord.requests if r.path == "/users/@me"]
    assert len(logins) == 3
    assert "Discord: network failure at start" in caplog.text  # aiohttp may retry one itself
    stop.set()
    await asyncio.wait_for(running, 5)
    assert running.result() is None


async def test_a_stop_while_waiting_to_retry_ends_at_once(
    fake_discord: FakeDiscord,
    service: Any,
    tmp_path: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("INFO", logger="adapters.discord.runner")
    monkeypatch.setattr(runner, "START_FIRST_DELAY", 30.0)
    fake_discord.drop("GET", r"^/users/@me$", times=10)
    settings = Settings(discord_token=Secret(TOKEN), state_dir_setting=tmp_path)
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, service, stop))
    await fake_discord.wait_for(lambda r: r.path == "/users/@me")
    await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(running, 2)
    assert "stopped before it started" in caplog.text
    assert fake_discord.gateway_sockets == []


async def test_a_refused_connection_is_retried_until_the_attempts_run_out(
    service: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    import discord

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr(discord.http.Route, "BASE", f"http://127.0.0.1:{port}/api/v10")
    monkeypatch.setattr(runner, "START_FIRST_DELAY", 0.01)
    settings = Settings(discord_token=Secret(TOKEN), state_dir_setting=tmp_path, start_retries=3)
    with pytest.raises(OSError):
        await asyncio.wait_for(serve(settings, service, asyncio.Event()), 5)
