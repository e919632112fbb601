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

from bot.errors import ConfigError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB = PROJECT_ROOT / "var" / "catalog.sqlite"


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
    """Parse a ``.env`` file: ``KEY=value`` lines, ``#`` comments, optional quotes."""
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export ") :].lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise ConfigError(f"{path}:{lineno}: expected KEY=value")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def _int(env: Mapping[str, str], key: str, default: int | None = None) -> int | None:
    raw = env.get(key, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{key} must be a whole number, not {raw!r}") from None


def _secret(env: Mapping[str, str], key: str) -> Secret | None:
    raw = env.get(key, "").strip()
    return Secret(raw) if raw else None


@dataclass(frozen=True, slots=True)
class Settings:
    db_path: Path = DEFAULT_DB
    data_dir: Path = DEFAULT_DATA_DIR
    log_level: str = "INFO"

    discord_token: Secret | None = None
    discord_guild_id: int | None = None
    """Register commands to this one guild too, for instant updates while testing."""
    discord_shards: str | None = None
    """``auto`` or a number: use ``AutoShardedClient``."""

    telegram_token: Secret | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    telegram_webhook_secret: Secret | None = None

    tmdb_api_token: Secret | None = None
    tmdb_api_base_url: str = "https://api.themoviedb.org"

    state_url: Secret | None = None
    """``CREDITS_STATE_URL``: a postgresql:// URL (it may hold a password) shared by several
    processes; unset, the state is a SQLite file beside the catalog."""
    state_file: Path | None = None

    @property
    def state_path(self) -> Path:
        """The SQLite state file: ``CREDITS_STATE_FILE``, else ``state.sqlite`` beside the
        catalog."""
        return self.state_file or self.db_path.with_name("state.sqlite")

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
        shards = merged.get("DISCORD_SHARDS", "").strip() or None
        if shards is not None and shards != "auto" and not shards.isdigit():
            raise ConfigError(f"DISCORD_SHARDS must be 'auto' or a number, not {shards!r}")
        return cls(
            db_path=Path(db).expanduser() if db else DEFAULT_DB,
            data_dir=Path(data_dir).expanduser() if data_dir else DEFAULT_DATA_DIR,
            log_level=merged.get("CREDITS_LOG_LEVEL", "INFO").strip().upper() or "INFO",
            discord_token=_secret(merged, "DISCORD_BOT_TOKEN"),
            discord_guild_id=_int(merged, "DISCORD_GUILD_ID"),
            discord_shards=shards,
            telegram_token=_secret(merged, "TELEGRAM_BOT_TOKEN"),
            telegram_api_base_url=merged.get("TELEGRAM_API_BASE_URL", "").strip()
            or "https://api.telegram.org/bot",
            telegram_webhook_url=merged.get("TELEGRAM_WEBHOOK_URL", "").strip() or None,
            telegram_webhook_listen=merged.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "0.0.0.0",
            telegram_webhook_port=_int(merged, "TELEGRAM_WEBHOOK_PORT", 8443) or 8443,
            telegram_webhook_secret=_secret(merged, "TELEGRAM_WEBHOOK_SECRET"),
            tmdb_api_token=_secret(merged, "TMDB_API_TOKEN"),
            state_url=_secret(merged, "CREDITS_STATE_URL"),
            state_file=Path(sf).expanduser()
            if (sf := merged.get("CREDITS_STATE_FILE", "").strip())
            else None,
            tmdb_api_base_url=merged.get("TMDB_API_BASE_URL", "").strip()
            or "https://api.themoviedb.org",
        )
