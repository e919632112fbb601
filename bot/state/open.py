"""Open the state store the settings name: PostgreSQL when ``CREDITS_STATE_URL`` is a
``postgresql://`` URL, else a SQLite file beside the catalog (``state.sqlite``)."""

from __future__ import annotations

from bot.errors import ConfigError
from bot.settings import Settings
from bot.state.base import StateStore


async def open_state(settings: Settings) -> StateStore:
    url = settings.state_url.get() if settings.state_url is not None else None
    if url is None:
        from bot.state.sqlite import SqliteState

        return await SqliteState.open(settings.state_path)
    if not url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("CREDITS_STATE_URL must be a postgresql:// URL")
    from bot.state.postgres import PostgresState

    return await PostgresState.open(url)
