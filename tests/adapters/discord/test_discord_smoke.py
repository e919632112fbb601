"""Start-up to shutdown: ``serve()`` against the fake gateway, as ``credits-bot discord`` runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from discord_testkit import (
    GUILD_ID,
    TOKEN,
    FakeDiscord,
    FakeService,
    check_well_formed,
    command_payload,
    no_privileged_intents,
)

from adapters.discord.app import CreditsClient, ShardedCreditsClient, create_client
from adapters.discord.runner import serve
from bot.errors import ConfigError
from bot.settings import Secret, Settings

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("shards", [None, "auto"])
async def test_serve_starts_answers_and_stops_cleanly(
    fake_discord: FakeDiscord, service: Any, shards: str | None, tmp_path: Path
) -> None:
    settings = Settings(
        discord_token=Secret(TOKEN),
        discord_guild_id=GUILD_ID,
        discord_shards=shards,
        state_dir_setting=tmp_path,  # nothing registered yet: the start registers
    )
    stop = asyncio.Event()
    running = asyncio.create_task(serve(settings, service, stop))
    identify = await fake_discord.wait_frame(2)
    assert no_privileged_intents(identify)
    assert identify["d"]["token"] == TOKEN
    if shards == "auto":
        assert identify["d"]["shard"] == [0, 1]
    # Commands registered at start-up: bulk overwrite, globally and to the test guild.
    await fake_discord.wait_for(lambda r: r.method == "PUT" and "/guilds/" in r.path)
    assert {c["name"] for c in fake_discord.commands["global"]} == {
        "credits",
        "recap",
        "about",
        "settings",
    }
    assert {c["name"] for c in fake_discord.commands[str(GUILD_ID)]} == {
        "credits",
        "recap",
        "about",
        "settings",
    }

    payload = command_payload("credits", "does iron man have a post credit scene?")
    fake_discord.expect(payload)
    await fake_discord.gateway_dispatch("INTERACTION_CREATE", payload)
    (reply,) = await fake_discord.replies(payload)
    check_well_formed(reply)
    assert reply.message_data["embeds"][0]["author"]["name"] == "Iron Man (2008)"

    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert running.result() is None
    await fake_discord.wait_closed()
    # One connection, closed by the client (discord.py sends 1000 and, racing it, 4000),
    # and no reconnection attempt.
    assert len(fake_discord.gateway_closed) == len(fake_discord.gateway_sockets) == 1
    await asyncio.sleep(0.05)
    assert len(fake_discord.gateway_sockets) == 1


async def test_serve_without_a_token_says_so() -> None:
    with pytest.raises(ConfigError, match="DISCORD_BOT_TOKEN"):
        await serve(Settings(), FakeService(), asyncio.Event())


async def test_serve_with_a_rejected_token_says_so(fake_discord: FakeDiscord) -> None:
    fake_discord.fail("GET", r"^/users/@me$", 401, {"message": "401: Unauthorized", "code": 0})
    settings = Settings(discord_token=Secret("bad-token"))
    with pytest.raises(ConfigError, match="rejected DISCORD_BOT_TOKEN") as caught:
        await asyncio.wait_for(serve(settings, FakeService(), asyncio.Event()), timeout=5)
    assert "bad-token" not in str(caught.value)


@pytest.mark.parametrize(("shards", "count"), [(None, None), ("auto", None), ("4", 4)])
def test_create_client_shards_as_configured(shards: str | None, count: int | None) -> None:
    # Never logged in, so there is nothing to close (discord.py cannot close a sharded
    # client that never started).
    client = create_client(
        Settings(discord_shards=shards, discord_guild_id=GUILD_ID), FakeService()
    )
    assert isinstance(client, CreditsClient)
    assert isinstance(client, ShardedCreditsClient) == (shards is not None)
    assert client.shard_count == count
    assert client.guild_id == GUILD_ID
    assert client.intents.value & (1 << 1 | 1 << 8 | 1 << 15) == 0
    mentions = client.allowed_mentions
    assert mentions is not None
    assert dict(mentions.to_dict()) == {"parse": []}


async def test_credits_bot_discord_command_runs_and_stops_on_sigterm(
    fake_discord: FakeDiscord,
    catalog_db: Path,
    tmp_path: Path,
    code_under_test: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    """``credits-bot discord`` itself, in a child process pointed at the fake Discord."""
    launcher = "\n".join(
        [
            "import sys, yarl, discord.http, discord.gateway",
            f"discord.http.Route.BASE = {fake_discord.api_base!r}",
            f"discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL({fake_discord.ws_url!r})",
            "from credits_bot.cli import main",
            "sys.exit(main(['discord']))",
        ]
    )
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "CREDITS_"))},
        "DISCORD_BOT_TOKEN": TOKEN,
        "CREDITS_DB": str(catalog_db),
        "CREDITS_DATA_DIR": str(ROOT / "data"),
        "CREDITS_STATE_DIR": str(tmp_path),
        "PYTHONPATH": str(ROOT),  # this checkout's code, wherever the package is installed from
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        launcher,
        cwd=tmp_path,  # no .env here
        env=code_under_test(env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        identify = await fake_discord.wait_frame(2, within=30)
        assert no_privileged_intents(identify)
        await fake_discord.wait_for(lambda r: r.method == "PUT", within=10)
        payload = command_payload("credits", "iron-man-2008")
        fake_discord.expect(payload)
        await fake_discord.gateway_dispatch("INTERACTION_CREATE", payload)
        (reply,) = await fake_discord.replies(payload, within=10)
        check_well_formed(reply)
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    log = err.decode()
    assert proc.returncode == 0, log
    assert "stopped cleanly" in log
    assert TOKEN not in log and "Traceback" not in log


async def test_a_client_that_does_not_stop_in_time_is_cancelled_cleanly(
    fake_discord: FakeDiscord,
    service: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """The shutdown-timeout path: the client task is cancelled and its outcome read only
    once it is done (reading it at once raised InvalidStateError)."""
    import adapters.discord.runner as runner

    class Stubborn(CreditsClient):
        async def connect(self, *, reconnect: bool = True) -> None:
            await super().connect(reconnect=reconnect)
            await asyncio.Event().wait()  # closing does not end this; only cancelling does

    caplog.set_level("INFO", logger="adapters.discord.runner")
    monkeypatch.setattr(runner, "SHUTDOWN_TIMEOUT", 0.2)
    monkeypatch.setattr(runner, "create_client", lambda _s, svc: Stubborn(svc))
    stop = asyncio.Event()
    running = asyncio.create_task(serve(Settings(discord_token=Secret(TOKEN)), service, stop))
    await fake_discord.wait_frame(2)
    stop.set()
    await asyncio.wait_for(running, timeout=5)
    assert running.result() is None
    assert "did not stop in time" in caplog.text
    assert "Discord: stopped" in caplog.text
