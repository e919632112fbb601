"""Faults have one root. Expected outcomes (not found, ambiguous) are values, not errors."""

from __future__ import annotations


class BotError(Exception):
    """A fault whose message is safe to show a user or an operator in one line."""


class ConfigError(BotError):
    """Settings are missing or malformed."""


class DataError(BotError):
    """A data file is malformed. The message names the file and the line."""

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class CatalogError(BotError):
    """The catalog is missing, unreadable or from an incompatible build."""
