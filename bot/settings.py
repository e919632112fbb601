"""Typed settings, read from the environment and an optional ``.env`` file.

Read once in ``main()`` (never at import time) and passed into constructors. Tokens are
:class:`Secret` values whose ``repr`` and ``str`` never show the token, so a settings object
can be logged safely.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dotenv import dotenv_values
from dotenv.parser import parse_stream

from bot.errors import ConfigError
from bot.home import PROJECT_ROOT, bundled_data_dir, home_dir

DEFAULT_DATA_DIR = bundled_data_dir()
DEFAULT_DB = PROJECT_ROOT / "var" / "catalog.sqlite"
"""In a checkout; an installed bot uses its home directory (see :mod:`bot.home`)."""


class Secret:
    """A token that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def read_dotenv(path: Path) -> dict[str, str]:
    """Parse a ``.env`` file with python-dotenv: ``KEY=value`` lines, ``export``, quotes,
    ``#`` comments on their own lines and after a value (``PORT=8443  # note``; a ``#``
    without a space before it stays part of the value). Nothing is interpolated, so a
    token with a ``$`` in it is kept as written. A line that is not a setting is an error
    naming the file and the line."""
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8") as stream:
        for binding in parse_stream(stream):
            if binding.error:
                raise ConfigError(f"{path}:{binding.original.line}: expected KEY=value")
    values = dotenv_values(path, interpolate=False, encoding="utf-8")
    return {key: value for key, value in values.items() if value is not None}


def _int(env: Mapping[str, str], key: str, default: int | None = None) -> int | None:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, not {raw!r}") from None


def _positive(env: Mapping[str, str], key: str, default: int) -> int:
    value = _int(env, key, default)
    if value is None or value < 1:
        raise ConfigError(f"{key} must be 1 or more, not {value}")
    return value


def _seconds(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a number of seconds, not {raw!r}") from None
    if not 0 < value <= 600:
        raise ConfigError(f"{key} must be more than 0 and at most 600 seconds, not {raw}")
    return value


def _telegram(merged: Mapping[str, str]) -> dict[str, Any]:
    """The ``telegram_*`` settings."""
    return {
        "telegram_token": _secret(merged, "TELEGRAM_BOT_TOKEN"),
        "telegram_api_base_url": merged.get("TELEGRAM_API_BASE_URL", "").strip()
        or "https://api.telegram.org/bot",
        "telegram_webhook_url": merged.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
        "telegram_webhook_listen": merged.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1",
        "telegram_webhook_port": _int(merged, "TELEGRAM_WEBHOOK_PORT", 8443) or 8443,
        "telegram_webhook_secret": _secret(merged, "TELEGRAM_WEBHOOK_SECRET"),
        "telegram_drop_pending_after": _int(merged, "TELEGRAM_DROP_PENDING_AFTER", 900) or 0,
        "telegram_workers": _positive(merged, "TELEGRAM_WORKERS", 64),
        "telegram_chat_queue": _positive(merged, "TELEGRAM_CHAT_QUEUE", 8),
        "telegram_drain_seconds": _seconds(merged, "TELEGRAM_DRAIN_SECONDS", 8.0),
    }


def _maintainers(raw: str) -> frozenset[str]:
    ids = {item.strip() for item in raw.replace(";", ",").split(",") if item.strip()}
    for item in ids:
        platform, _, number = item.rpartition(":")
        if platform not in ("", "discord", "telegram") or not number.isdigit():
            raise ConfigError(
                f"MAINTAINER_IDS: {item!r} is not a user id (discord:123, telegram:456 or 123)"
            )
    return frozenset(ids)


def _port(env: Mapping[str, str], key: str) -> int | None:
    value = _int(env, key)
    if value is not None and not 1 <= value <= 65535:
        raise ConfigError(f"{key} must be a port number (1-65535), not {value}")
    return value


def _choice(env: Mapping[str, str], key: str, allowed: tuple[str, ...]) -> str:
    raw = env.get(key, "").strip().lower() or allowed[0]
    if raw not in allowed:
        raise ConfigError(f"{key} must be one of {', '.join(allowed)}, not {raw!r}")
    return raw


def _secret(env: Mapping[str, str], key: str) -> Secret | None:
    raw = env.get(key, "").strip()
    return Secret(raw) if raw else None


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = DEFAULT_DB
    data_dir: Path = DEFAULT_DATA_DIR
    log_level: str = "INFO"
    log_format: str = "text"
    """``CREDITS_LOG_FORMAT``: ``text`` or ``json`` (one JSON object per line)."""

    discord_token: Secret | None = None
    discord_guild_id: int | None = None
    """Register commands to this one guild too, for instant updates while testing."""
    discord_shards: str | None = None
    """``auto`` or a number: use ``AutoShardedClient``."""

    telegram_token: Secret | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "127.0.0.1"
    """Behind a reverse proxy on the same host; set ``0.0.0.0`` to listen everywhere."""
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: Secret | None = None

    telegram_drop_pending_after: int = 900
    """Seconds: after a longer downtime the updates sent meanwhile are dropped at start
    (0: always drop them)."""
    telegram_workers: int = 64
    """Updates handled at once, over every chat."""
    telegram_chat_queue: int = 8
    """Updates of one chat waiting (or running) at once; more are dropped."""
    telegram_drain_seconds: float = 8.0  # adapters.telegram.runner.DRAIN_SECONDS
    """At shutdown, how long the updates already taken may still run (the systemd unit's
    ``TimeoutStopSec`` leaves 10 s more than the default)."""

    tmdb_api_token: Secret | None = None
    tmdb_api_base_url: str = "https://api.themoviedb.org"

    state_url: Secret | None = None
    """``CREDITS_STATE_URL``: a postgresql:// URL (it may hold a password) shared by several
    processes; unset, the state is a SQLite file beside the catalog."""
    state_file: Path | None = None

    @property
    def state_path(self) -> Path:
        """The SQLite state file: ``CREDITS_STATE_FILE``, else ``state.sqlite`` in the state
        directory (beside the catalog unless ``CREDITS_STATE_DIR`` says otherwise)."""
        return self.state_file or self.state_dir / "state.sqlite"

    rate_person_burst: int = 5
    rate_person_per_minute: int = 20
    rate_chat_burst: int = 20
    rate_chat_per_minute: int = 60
    """Questions a person (and a chat) may ask at once, and then a minute; see
    :mod:`bot.ratelimit`."""

    review_discord_channel_id: int | None = None
    review_telegram_chat_id: int | None = None
    """Where each new viewer report is posted with Accept / Reject buttons (optional)."""
    maintainer_ids: frozenset[str] = frozenset()
    """``MAINTAINER_IDS``: who may use those buttons, comma-separated ``platform:id``
    (``discord:123``, ``telegram:456``) or a bare id for either platform."""

    def is_maintainer(self, platform: str, user_id: int | str) -> bool:
        return f"{platform}:{user_id}" in self.maintainer_ids or str(user_id) in self.maintainer_ids

    state_dir_setting: Path | None = None
    home: Path | None = None
    """The bot's own data directory when it has one (``CREDITS_HOME``, or installed)."""
    mirror_from: Path | None = None
    """The bundled data to mirror into ``data_dir`` before use (see :mod:`bot.home`)."""
    start_retries: int = 8
    http_port: int | None = None
    """``CREDITS_HTTP_PORT``: serve ``/healthz`` and ``/metrics`` on this port (unset: no
    HTTP server)."""
    http_host: str = "127.0.0.1"
    """Attempts to reach a platform at start (network failures), with backoff."""

    @property
    def state_dir(self) -> Path:
        """Small files the bot keeps between runs (``CREDITS_STATE_DIR``, else beside the
        catalog)."""
        return self.state_dir_setting or self.db_path.parent

    def secrets(self) -> list[str]:
        """Every secret value set, to keep out of the logs."""
        values = [getattr(self, name) for name in self.__slots__]
        return [value.get() for value in values if isinstance(value, Secret)]

    @property
    def local_dir(self) -> Path:
        """Where ``db import`` keeps imported films, so they survive rebuilds."""
        return self.data_dir / "local"

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        dotenv: Path | None = None,
    ) -> Settings:
        """Settings from ``env`` (default: ``os.environ``) over the ``.env`` file."""
        merged: dict[str, str] = {}
        env_file = dotenv if dotenv is not None else Path.cwd() / ".env"
        merged.update(read_dotenv(env_file))
        merged.update(os.environ if env is None else env)
        db = merged.get("CREDITS_DB", "").strip()
        data_dir = merged.get("CREDITS_DATA_DIR", "").strip()
        state = merged.get("CREDITS_STATE_DIR", "").strip()
        home = home_dir(merged)
        default_db = home / "catalog.sqlite" if home else DEFAULT_DB
        default_data = home / "data" if home else DEFAULT_DATA_DIR
        shards = merged.get("DISCORD_SHARDS", "").strip() or None
        if shards is not None and shards != "auto" and not shards.isdigit():
            raise ConfigError(f"DISCORD_SHARDS must be 'auto' or a number, not {shards!r}")
        return cls(
            db_path=Path(db).expanduser() if db else default_db,
            data_dir=Path(data_dir).expanduser() if data_dir else default_data,
            home=home,
            mirror_from=bundled_data_dir() if home and not data_dir else None,
            log_level=merged.get("CREDITS_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            log_format=_choice(merged, "CREDITS_LOG_FORMAT", ("text", "json")),
            discord_token=_secret(merged, "DISCORD_BOT_TOKEN"),
            discord_guild_id=_int(merged, "DISCORD_GUILD_ID"),
            discord_shards=shards,
            **_telegram(merged),
            tmdb_api_token=_secret(merged, "TMDB_API_TOKEN"),
            state_url=_secret(merged, "CREDITS_STATE_URL"),
            state_file=Path(sf).expanduser()
            if (sf := merged.get("CREDITS_STATE_FILE", "").strip())
            else None,
            tmdb_api_base_url=merged.get("TMDB_API_BASE_URL", "").strip()
            or "https://api.themoviedb.org",
            rate_person_burst=_positive(merged, "CREDITS_RATE_PERSON_BURST", 5),
            rate_person_per_minute=_positive(merged, "CREDITS_RATE_PERSON_PER_MINUTE", 20),
            rate_chat_burst=_positive(merged, "CREDITS_RATE_CHAT_BURST", 20),
            rate_chat_per_minute=_positive(merged, "CREDITS_RATE_CHAT_PER_MINUTE", 60),
            review_discord_channel_id=_int(merged, "REVIEW_DISCORD_CHANNEL_ID"),
            review_telegram_chat_id=_int(merged, "REVIEW_TELEGRAM_CHAT_ID"),
            maintainer_ids=_maintainers(merged.get("MAINTAINER_IDS", "")),
            state_dir_setting=Path(state).expanduser() if state else None,
            http_port=_port(merged, "CREDITS_HTTP_PORT"),
            http_host=merged.get("CREDITS_HTTP_HOST", "").strip() or "127.0.0.1",
            start_retries=max(_int(merged, "CREDITS_START_RETRIES", 8) or 1, 1),
        )
