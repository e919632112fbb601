"""Log output: one JSON object per line on request, and secrets never written."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.logs import REDACTED, handler_for
from bot.settings import Settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
URL = "postgresql://bot:hunter2-very-secret@db.internal/credits"


@pytest.fixture
def logger() -> Iterator[tuple[logging.Logger, io.StringIO, Settings]]:
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "CREDITS_STATE_URL": URL, "CREDITS_LOG_FORMAT": "json"},
        dotenv=Path("/nonexistent/.env"),
    )
    out = io.StringIO()
    log = logging.getLogger("test-logs")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    handler = handler_for(settings.log_format, settings.secrets(), out)
    log.addHandler(handler)
    try:
        yield log, out, settings
    finally:
        log.removeHandler(handler)


def test_json_lines_with_secrets_redacted(
    logger: tuple[logging.Logger, io.StringIO, Settings],
) -> None:
    log, out, settings = logger
    assert settings.log_format == "json"
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning("state at %s\nsecond line", URL)
    log.debug("only the secret part: %s", TOKEN.split(":")[1])
    try:
        raise RuntimeError(f"could not connect to {URL}")
    except RuntimeError:
        log.exception("failed with %s", "an error")
    lines = out.getvalue().splitlines()
    assert len(lines) == 4  # one object per line, even with newlines inside
    entries = [json.loads(line) for line in lines]
    assert [e["level"] for e in entries] == ["INFO", "WARNING", "DEBUG", "ERROR"]
    assert {e["logger"] for e in entries} == {"test-logs"}
    assert entries[0]["message"] == f"calling https://api.telegram.org/bot{REDACTED}/getMe"
    assert entries[1]["message"] == f"state at {REDACTED}\nsecond line"
    assert "RuntimeError: could not connect to [secret]" in entries[3]["exception"]
    assert all(e["time"].endswith("+00:00") for e in entries)
    text = out.getvalue()
    assert TOKEN.split(":")[1] not in text and "hunter2" not in text


def test_text_format_redacts_too() -> None:
    out = io.StringIO()
    handler = handler_for("text", [TOKEN], out)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", (TOKEN,), None)
    handler.handle(record)
    assert out.getvalue().rstrip().endswith(f"INFO x: token {REDACTED}")


@pytest.mark.parametrize(("raw", "fmt"), [("", "text"), ("JSON", "json"), ("text", "text")])
def test_log_format_setting(raw: str, fmt: str) -> None:
    env = {"CREDITS_LOG_FORMAT": raw}
    assert Settings.from_env(env, dotenv=Path("/nonexistent/.env")).log_format == fmt


def test_an_unknown_log_format_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="CREDITS_LOG_FORMAT"):
        Settings.from_env({"CREDITS_LOG_FORMAT": "xml"}, dotenv=Path("/nonexistent/.env"))
