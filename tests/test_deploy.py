"""The systemd unit in deploy/: valid for systemd, and consistent with the bot."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from adapters.telegram.runner import DRAIN_SECONDS

ROOT = Path(__file__).resolve().parent.parent
UNIT = ROOT / "deploy" / "credits-bot.service"


def settings_of(text: str) -> dict[str, list[str]]:
    """``Key=value`` lines by key (a key may repeat), sections ignored."""
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "[")):
            continue
        key, _, value = line.partition("=")
        found.setdefault(key, []).append(value)
    return found


def test_the_unit_runs_the_bot_as_a_service() -> None:
    unit = settings_of(UNIT.read_text(encoding="utf-8"))
    assert unit["Restart"] == ["on-failure"]
    assert unit["User"] == ["credits-bot"] and unit["DynamicUser"] == ["yes"]
    assert unit["ExecStart"][0].endswith("/credits-bot run")
    assert unit["EnvironmentFile"] == ["/etc/credits-bot/credits-bot.env"]
    home = "/var/lib/credits-bot"
    assert unit["WorkingDirectory"] == [home]
    assert f"CREDITS_HOME={home}" in unit["Environment"]
    assert unit["StateDirectory"] == ["credits-bot"]
    # Enough time for the drain on SIGTERM and the rest of the shutdown.
    assert float(unit["TimeoutStopSec"][0]) >= DRAIN_SECONDS + 10
    for hardening in ("NoNewPrivileges", "ProtectSystem", "ProtectHome", "PrivateTmp"):
        assert unit[hardening][0] in ("yes", "strict"), hardening


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="needs systemd-analyze")
def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    # The installed program and the settings file exist only on a real host.
    text = UNIT.read_text(encoding="utf-8")
    text = text.replace(
        "/opt/credits-bot/venv/bin/credits-bot", shutil.which("true") or "/bin/true"
    )
    text = text.replace("EnvironmentFile=/", "EnvironmentFile=-/")
    copy = tmp_path / "credits-bot.service"
    copy.write_text(text, encoding="utf-8")
    done = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=30
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "", done.stderr  # no unknown key, no bad value
