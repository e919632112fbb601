"""The chat platforms the bot can serve, in one table.

Each adapter's runner module is imported only when that platform is started, so ``ask``
and ``db`` never load a chat SDK.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from bot.settings import Secret, Settings

Serve = Callable[..., Coroutine[Any, Any, None]]


@dataclass(frozen=True, slots=True)
class Platform:
    name: str
    token_variable: str
    """The environment variable that holds its token."""
    token_setting: str
    """The :class:`~bot.settings.Settings` field that holds it."""
    runner: str
    """The adapter module with ``serve(settings, service, stop)``."""

    def token(self, settings: Settings) -> Secret | None:
        value = getattr(settings, self.token_setting)
        return value if isinstance(value, Secret) else None

    def serve(self) -> Serve:
        module = importlib.import_module(self.runner)
        serve: Serve = module.serve
        return serve


PLATFORMS: tuple[Platform, ...] = (
    Platform("discord", "DISCORD_BOT_TOKEN", "discord_token", "adapters.discord.runner"),
    Platform("telegram", "TELEGRAM_BOT_TOKEN", "telegram_token", "adapters.telegram.runner"),
)
BY_NAME = {p.name: p for p in PLATFORMS}


def configured(settings: Settings) -> list[Platform]:
    """The platforms that have a token."""
    return [p for p in PLATFORMS if p.token(settings) is not None]
