"""Registering the commands: at start only when they changed; ``credits-bot discord sync``."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from discord_testkit import APP_ID, GUILD_ID, TOKEN, FakeDiscord

import adapters.discord.app as discord_app
from adapters.discord.runner import serve
from adapters.discord.sync import STATE_FILE
from bot.settings import Secret, Settings
from credits_bot.cli import main

OTHER_GUILD = 1200000000000000077


def _puts(fake: FakeDiscord) -> list[str]:
    return [r.path for r in fake.requests if r.method == "PUT"]


async def _start_and_stop(fake: FakeDiscord, settings: Settings, service: Any) -> None:
    """One run of the bot: connect (the commands are registered before the gateway), stop."""
    stop = asyncio.Event()
    frames = len(fake.gateway_frames)
    running = asyncio.create_task(serve(settings, service, stop))
    async with asyncio.timeout(5), fake._changed:
        await fake._changed.wait_for(
            lambda: any(f.get("op") == 2 for f in fake.gateway_frames[frames:])
        )
    stop.set()
    await asyncio.wait_for(running, timeout=5)


async def test_a_second_start_registers_nothing_and_a_changed_command_set_does(
    fake_discord: FakeDiscord,
    service: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = Settings(
        discord_token=Secret(TOKEN), discord_guild_id=GUILD_ID, state_dir_setting=tmp_path
    )
    await _start_and_stop(fake_discord, settings, service)
    global_path = f"/applications/{APP_ID}/commands"
    guild_path = f"/applications/{APP_ID}/guilds/{GUILD_ID}/commands"
    assert sorted(_puts(fake_discord)) == sorted([global_path, guild_path])
    assert (tmp_path / STATE_FILE).is_file()

    await _start_and_stop(fake_discord, settings, service)
    assert len(_puts(fake_discord)) == 2  # unchanged: no bulk overwrite at all

    original = discord_app.build_commands
    monkeypatch.setattr(discord_app, "build_commands", lambda: original()[:1])
    await _start_and_stop(fake_discord, settings, service)
    assert len(_puts(fake_discord)) == 4
    assert {c["name"] for c in fake_discord.commands["global"]} == {"credits"}
    assert {c["name"] for c in fake_discord.commands[str(GUILD_ID)]} == {"credits"}

    await _start_and_stop(fake_discord, settings, service)
    assert len(_puts(fake_discord)) == 4


async def test_a_failed_registration_is_retried_at_the_next_start(
    fake_discord: FakeDiscord, service: Any, tmp_path: Path
) -> None:
    settings = Settings(discord_token=Secret(TOKEN), state_dir_setting=tmp_path)
    fake_discord.fail("PUT", r"/commands$", 403, {"message": "Missing Access", "code": 50001})
    await _start_and_stop(fake_discord, settings, service)
    assert "global" not in fake_discord.commands
    fake_discord.faults.clear()
    await _start_and_stop(fake_discord, settings, service)
    assert {c["name"] for c in fake_discord.commands["global"]} == {
        "credits",
        "recap",
        "about",
        "settings",
    }


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    for name in ("DISCORD_GUILD_ID", "DISCORD_SHARDS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISCORD_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("CREDITS_STATE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)  # no .env
    return main(["discord", "sync", *argv])


async def test_discord_sync_registers_to_a_guild_and_clears_one(
    fake_discord: FakeDiscord,
    service: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The command runs its own event loop: in a thread, beside the fake server's.
    assert await asyncio.to_thread(_cli, tmp_path, monkeypatch, "--guild", str(OTHER_GUILD)) == 0
    assert _puts(fake_discord) == [f"/applications/{APP_ID}/guilds/{OTHER_GUILD}/commands"]
    assert {c["name"] for c in fake_discord.commands[str(OTHER_GUILD)]} == {
        "credits",
        "recap",
        "about",
        "settings",
    }
    assert f"registered 4 commands to guild {OTHER_GUILD}" in capsys.readouterr().out

    assert await asyncio.to_thread(_cli, tmp_path, monkeypatch) == 0
    assert _puts(fake_discord)[-1] == f"/applications/{APP_ID}/commands"
    # No gateway connection: registering needs only the REST API.
    assert fake_discord.gateway_sockets == []

    code = await asyncio.to_thread(_cli, tmp_path, monkeypatch, "--clear-guild", str(OTHER_GUILD))
    assert code == 0
    assert fake_discord.commands[str(OTHER_GUILD)] == []
    assert f"removed the commands of guild {OTHER_GUILD}" in capsys.readouterr().out

    # What the command registered counts as registered: the next start sends nothing.
    puts = len(_puts(fake_discord))
    settings = Settings(discord_token=Secret(TOKEN), state_dir_setting=tmp_path)
    await _start_and_stop(fake_discord, settings, service)
    assert len(_puts(fake_discord)) == puts


def test_discord_sync_refuses_both_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["discord", "sync", "--guild", "1", "--clear-guild", "2"])
    assert caught.value.code == 2
    assert "not allowed with" in capsys.readouterr().err
