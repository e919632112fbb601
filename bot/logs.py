"""Log output for a service: text or one JSON object per line, secrets never written.

``CREDITS_LOG_FORMAT=json`` makes every line a JSON object (``time``, ``level``,
``logger``, ``message``, and ``exception`` with the traceback when there is one), for
journald or a log shipper. Whatever the format, :class:`RedactSecrets` on the handler
replaces every configured secret (bot tokens, API tokens, the state URL) in the message
and the traceback before anything is written, wherever the record came from.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TextIO

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[secret]"
FORMATS = ("text", "json")


class RedactSecrets(logging.Filter):
    """Replaces the secrets in a record's message and exception text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # A Telegram token's secret part (after "id:") is secret on its own; longest
        # first, so a secret that contains another is replaced whole.
        values = set()
        for secret in secrets:
            values.add(secret)
            tail = secret.rpartition(":")[2]
            if len(tail) >= 16:
                values.add(tail)
        self.secrets = sorted({s for s in values if len(s) >= 6}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (newlines inside values are escaped)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False)


def handler_for(fmt: str, secrets: Iterable[str], stream: TextIO) -> logging.Handler:
    """A stream handler writing ``fmt`` ("text" or "json") with the secrets redacted."""
    handler: logging.Handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RedactSecrets(secrets))
    return handler
