"""The state in PostgreSQL (asyncpg): several bot processes sharing one state.

Every operation runs on a pooled connection; when the server goes away (a restart, a
failover), the operation is retried on a new connection with a short backoff and one clear
log line, so a restart of PostgreSQL mid-run costs a pause, not an error.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Self, TypeAlias, TypeVar

import asyncpg
from asyncpg import Record

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

from bot.errors import BotError
from bot.state.base import (
    SCHEMA_VERSION,
    ChatSettings,
    Claim,
    Report,
    Status,
    Tally,
    clean_note,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
Conn: TypeAlias = "PoolConnectionProxy[Record]"

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS reports(
        id BIGSERIAL PRIMARY KEY,
        film_id TEXT NOT NULL,
        person TEXT NOT NULL,
        platform TEXT NOT NULL,
        claim TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL,
        created DOUBLE PRECISION NOT NULL,
        UNIQUE (film_id, person)
    );
    CREATE INDEX IF NOT EXISTS reports_person ON reports(person, created);
    CREATE INDEX IF NOT EXISTS reports_film ON reports(film_id, status);
    CREATE TABLE IF NOT EXISTS chat_settings(
        chat TEXT PRIMARY KEY,
        public_replies BOOLEAN NOT NULL,
        scenes_in_private BOOLEAN NOT NULL,
        language TEXT
    );
    """,
    2: """
    ALTER TABLE chat_settings RENAME COLUMN scenes_in_private TO hide_scenes;
    """,
}
_COLUMNS = "id, film_id, person, platform, claim, note, status, created"
_RETRIES = 8
_LOST = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.InterfaceError,
    ConnectionError,
    OSError,
)


def _report(row: Any) -> Report:
    return Report(
        id=int(row["id"]),
        film_id=str(row["film_id"]),
        person=str(row["person"]),
        platform=str(row["platform"]),
        claim=Claim(row["claim"]),
        note=row["note"],
        status=Status(row["status"]),
        created=float(row["created"]),
    )


class PostgresState:
    """:class:`~bot.state.base.StateStore` over an asyncpg pool."""

    def __init__(self, pool: asyncpg.Pool[Record], url: str) -> None:
        self._pool = pool
        self._url = url

    @classmethod
    async def open(cls, url: str) -> Self:
        try:
            pool = await asyncpg.create_pool(url, min_size=1, max_size=5, timeout=10)
        except (*_LOST, asyncpg.PostgresError) as exc:
            raise BotError(f"cannot reach the state database: {type(exc).__name__}") from None
        store = cls(pool, url)
        await store._migrate()
        return store

    async def _migrate(self) -> None:
        async def run(conn: Conn) -> None:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(4242001)")
                await conn.execute(
                    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)"
                )
                raw = await conn.fetchval("SELECT value FROM meta WHERE key = 'schema'")
                current = int(raw) if raw else 0
                if current > SCHEMA_VERSION:
                    raise BotError("the state database was written by a newer credits-bot")
                for version in range(current + 1, SCHEMA_VERSION + 1):
                    await conn.execute(MIGRATIONS[version])
                    await conn.execute(
                        "INSERT INTO meta VALUES ('schema', $1) "
                        "ON CONFLICT (key) DO UPDATE SET value = $1",
                        str(version),
                    )

        await self._run(run)

    async def _run(self, work: Callable[[Conn], Awaitable[T]]) -> T:
        delay = 0.2
        for attempt in range(1, _RETRIES + 1):
            try:
                async with self._pool.acquire() as conn:
                    return await work(conn)
            except _LOST as exc:
                if attempt == _RETRIES:
                    raise BotError("the state database is unreachable") from exc
                log.warning(
                    "state database connection lost (%s); retrying in %.1fs (%d/%d)",
                    type(exc).__name__,
                    delay,
                    attempt,
                    _RETRIES,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3.0)
        raise AssertionError("unreachable")

    async def close(self) -> None:
        await self._pool.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def add_report(
        self, film_id: str, person: str, platform: str, claim: Claim, note: str | None
    ) -> Report:
        row = await self._run(
            lambda c: c.fetchrow(
                "INSERT INTO reports(film_id, person, platform, claim, note, status, created) "
                "VALUES ($1, $2, $3, $4, $5, 'pending', $6) "
                "ON CONFLICT (film_id, person) DO UPDATE SET platform = EXCLUDED.platform, "
                "claim = EXCLUDED.claim, note = EXCLUDED.note, status = 'pending', "
                f"created = EXCLUDED.created RETURNING {_COLUMNS}",
                film_id,
                person,
                platform,
                claim.value,
                clean_note(note),
                time.time(),
            )
        )
        return _report(row)

    async def report(self, report_id: int) -> Report | None:
        row = await self._run(
            lambda c: c.fetchrow(f"SELECT {_COLUMNS} FROM reports WHERE id = $1", report_id)
        )
        return _report(row) if row else None

    async def reports(self, status: Status | None = None, limit: int = 100) -> list[Report]:
        if status is None:
            rows = await self._run(
                lambda c: c.fetch(
                    f"SELECT {_COLUMNS} FROM reports ORDER BY created DESC, id DESC LIMIT $1",
                    limit,
                )
            )
        else:
            rows = await self._run(
                lambda c: c.fetch(
                    f"SELECT {_COLUMNS} FROM reports WHERE status = $1 "
                    "ORDER BY created DESC, id DESC LIMIT $2",
                    status.value,
                    limit,
                )
            )
        return [_report(r) for r in rows]

    async def set_status(self, report_id: int, status: Status) -> Report | None:
        row = await self._run(
            lambda c: c.fetchrow(
                f"UPDATE reports SET status = $1 WHERE id = $2 RETURNING {_COLUMNS}",
                status.value,
                report_id,
            )
        )
        return _report(row) if row else None

    async def tally(self, film_id: str) -> Tally:
        rows = await self._run(
            lambda c: c.fetch(
                "SELECT claim, count(*) AS n FROM reports "
                "WHERE film_id = $1 AND status = 'pending' GROUP BY claim",
                film_id,
            )
        )
        return Tally(film_id, {Claim(r["claim"]): int(r["n"]) for r in rows})

    async def recent_reports(self, person: str, since: float) -> int:
        n = await self._run(
            lambda c: c.fetchval(
                "SELECT count(*) FROM reports WHERE person = $1 AND created >= $2", person, since
            )
        )
        return int(n or 0)

    async def forget(self, person: str) -> int:
        rows = await self._run(
            lambda c: c.fetch("DELETE FROM reports WHERE person = $1 RETURNING id", person)
        )
        return len(rows)

    async def chat_settings(self, chat: str) -> ChatSettings:
        row = await self._run(
            lambda c: c.fetchrow(
                "SELECT public_replies, hide_scenes, language FROM chat_settings WHERE chat = $1",
                chat,
            )
        )
        if row is None:
            return ChatSettings(chat)
        return ChatSettings(
            chat, bool(row["public_replies"]), bool(row["hide_scenes"]), row["language"]
        )

    async def save_chat_settings(self, settings: ChatSettings) -> None:
        await self._run(
            lambda c: c.execute(
                "INSERT INTO chat_settings VALUES ($1, $2, $3, $4) ON CONFLICT (chat) DO UPDATE "
                "SET public_replies = EXCLUDED.public_replies, "
                "hide_scenes = EXCLUDED.hide_scenes, language = EXCLUDED.language",
                settings.chat,
                settings.public_replies,
                settings.hide_scenes,
                settings.language,
            )
        )

    async def salt(self) -> str:
        fresh = secrets.token_hex(16)
        value = await self._run(
            lambda c: c.fetchval(
                "INSERT INTO meta VALUES ('salt', $1) ON CONFLICT (key) "
                "DO UPDATE SET value = meta.value RETURNING value",
                fresh,
            )
        )
        return str(value)
