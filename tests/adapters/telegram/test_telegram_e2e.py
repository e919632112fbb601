"""End to end: `credits-bot telegram` as a real process against the fake Bot API server."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from tg_fake_api import TOKEN, FakeBotApi, Updates
from tg_html import parse


def command() -> list[str]:
    script = Path(sys.executable).with_name("credits-bot")
    if script.exists():
        return [str(script), "telegram"]
    return [sys.executable, "-m", "credits_bot", "telegram"]


async def test_credits_bot_telegram_answers_and_exits_cleanly_on_sigterm(
    fake_api: FakeBotApi, catalog_db: Path, updates: Updates, tmp_path: Path
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
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(Path(__file__).resolve().parents[3]),  # this checkout's code
    )
    process = await asyncio.create_subprocess_exec(
        *command(),
        cwd=tmp_path,  # no stray .env
        env=env,
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
    assert fake_api.rejected == []
