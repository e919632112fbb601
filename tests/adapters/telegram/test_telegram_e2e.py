"""End to end: `credits-bot telegram` as a real process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from tg_fake_api import TOKEN, FakeBotApi, Updates
from tg_html import parse

ROOT = Path(__file__).resolve().parents[3]


def command() -> list[str]:
    script = Path(sys.executable).with_name("credits-bot")
    if script.exists():
        return [str(script), "telegram"]
    return [sys.executable, "-m", "credits_bot", "telegram"]


@pytest.mark.parametrize("log_format", ["text", "json"])
async def test_credits_bot_telegram_answers_and_exits_cleanly_on_sigterm(
    log_format: str,
    fake_api: FakeBotApi,
    catalog_db: Path,
    updates: Updates,
    tmp_path: Path,
    code_under_test: Callable[[dict[str, str]], dict[str, str]],
) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DISCORD_", "CREDITS_", "TMDB_"))
    }
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=fake_api.base_url,
        CREDITS_DB=str(catalog_db),
        CREDITS_LOG_LEVEL="DEBUG",
        CREDITS_LOG_FORMAT=log_format,
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),  # this checkout's code, wherever the package is installed from
    )
    process = await asyncio.create_subprocess_exec(
        *command(),
        cwd=tmp_path,  # no stray .env
        env=code_under_test(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_api.wait_for_method("getUpdates", within=30)
        assert {"getMe", "setMyCommands", "deleteWebhook"} <= {c.method for c in fake_api.calls}

        await fake_api.push_update(updates.message("/credits iron man"))
        last = await fake_api.push_update(
            updates.message("does iron man have a post credit scene?")
        )
        sent = await fake_api.wait_for_method("sendMessage", 2, within=10)
        for reply in sent:
            assert "Iron Man (2008)" in parse(reply.text).text

        process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    logs = stderr.decode(errors="replace") + stdout.decode(errors="replace")
    assert process.returncode == 0, logs[-3000:]
    final = fake_api.calls[-1]
    assert final.method == "getUpdates", [c.method for c in fake_api.calls[-3:]]
    assert final.params["offset"] == last + 1
    assert final.params["timeout"] == 0
    assert fake_api.acknowledged == last
    assert "Traceback" not in logs
    assert TOKEN.split(":")[1] not in logs  # even at DEBUG
    if log_format == "json":  # one object per line, from the libraries' loggers too
        entries = [json.loads(line) for line in stderr.decode().splitlines()]
        assert {"message", "level", "logger", "time"} <= set(entries[0])
        assert any(e["logger"].startswith("telegram") for e in entries)
        assert any("Telegram bot stopped" in e["message"] for e in entries)
    assert fake_api.rejected == []
