"""The state in a SQLite file (aiosqlite, WAL): one process, or a few on one machine."""

from __future__ import annotations

import secrets
import sqlite3
import time
from pathlib import Path
from typing import Any, Self

import aiosqlite

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

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS reports(
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        film_id TEXT NOT NULL,
        person TEXT NOT NULL,
        platform TEXT NOT NULL,
        claim TEXT NOT NULL,
        note TEXT,
        status TEXT NOT NULL,
        created REAL NOT NULL,
        UNIQUE (film_id, person)
    );
    CREATE INDEX IF NOT EXISTS reports_person ON reports(person, created);
    CREATE INDEX IF NOT EXISTS reports_film ON reports(film_id, status);
    CREATE TABLE IF NOT EXISTS chat_settings(
        chat TEXT PRIMARY KEY,
        public_replies INTEGER NOT NULL,
        scenes_in_private INTEGER NOT NULL,
        language TEXT
    );
    """,
    2: """
    ALTER TABLE chat_settings RENAME COLUMN scenes_in_private TO hide_scenes;
    """,
}
"""Schema changes by version; a store applies those above its ``user_version``."""

_COLUMNS = "id, film_id, person, platform, claim, note, status, created"


def _report(row: Any) -> Report:
    return Report(
        id=int(row[0]),
        film_id=str(row[1]),
        person=str(row[2]),
        platform=str(row[3]),
        claim=Claim(row[4]),
        note=row[5],
        status=Status(row[6]),
        created=float(row[7]),
    )


class SqliteState:
    """:class:`~bot.state.base.StateStore` over one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Self:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = await aiosqlite.connect(path, timeout=10.0)
            await conn.execute("PRAGMA journal_mode=WAL")
            await conn.execute("PRAGMA busy_timeout=10000")
            await conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise BotError(f"cannot open the state store {path}: {exc}") from None
        store = cls(conn, path)
        await store._migrate()
        return store

    async def _migrate(self) -> None:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        current = int(row[0]) if row else 0
        if current > SCHEMA_VERSION:
            raise BotError(f"{self.path} was written by a newer credits-bot")
        for version in range(current + 1, SCHEMA_VERSION + 1):
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                await self._conn.executescript(MIGRATIONS[version])
                await self._conn.execute(f"PRAGMA user_version={version}")
                await self._conn.commit()
            except BaseException:
                await self._conn.rollback()
                raise

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _write(self, sql: str, params: tuple[Any, ...]) -> list[Any]:
        await self._conn.execute("BEGIN IMMEDIATE")
        try:
            async with self._conn.execute(sql, params) as cur:
                rows = list(await cur.fetchall())
            await self._conn.commit()
        except BaseException:
            await self._conn.rollback()
            raise
        return rows

    async def add_report(
        self, film_id: str, person: str, platform: str, claim: Claim, note: str | None
    ) -> Report:
        rows = await self._write(
            "INSERT INTO reports(film_id, person, platform, claim, note, status, created) "
            "VALUES (?, ?, ?, ?, ?, 'pending', ?) "
            "ON CONFLICT(film_id, person) DO UPDATE SET platform=excluded.platform, "
            "claim=excluded.claim, note=excluded.note, status='pending', "
            "created=excluded.created "
            f"RETURNING {_COLUMNS}",
            (film_id, person, platform, claim.value, clean_note(note), time.time()),
        )
        return _report(rows[0])

    async def report(self, report_id: int) -> Report | None:
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM reports WHERE id = ?", (report_id,)
        ) as cur:
            row = await cur.fetchone()
        return _report(row) if row else None

    async def reports(self, status: Status | None = None, limit: int = 100) -> list[Report]:
        where = "WHERE status = ?" if status else ""
        params: tuple[Any, ...] = (status.value, limit) if status else (limit,)
        async with self._conn.execute(
            f"SELECT {_COLUMNS} FROM reports {where} ORDER BY created DESC, id DESC LIMIT ?",
            params,
        ) as cur:
            return [_report(r) for r in await cur.fetchall()]

    async def set_status(self, report_id: int, status: Status) -> Report | None:
        rows = await self._write(
            f"UPDATE reports SET status = ? WHERE id = ? RETURNING {_COLUMNS}",
            (status.value, report_id),
        )
        return _report(rows[0]) if rows else None

    async def tally(self, film_id: str) -> Tally:
        async with self._conn.execute(
            "SELECT claim, count(*) FROM reports WHERE film_id = ? AND status = 'pending' "
            "GROUP BY claim",
            (film_id,),
        ) as cur:
            rows = await cur.fetchall()
        return Tally(film_id, {Claim(c): int(n) for c, n in rows})

    async def recent_reports(self, person: str, since: float) -> int:
        async with self._conn.execute(
            "SELECT count(*) FROM reports WHERE person = ? AND created >= ?", (person, since)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def forget(self, person: str) -> int:
        rows = await self._write("DELETE FROM reports WHERE person = ? RETURNING id", (person,))
        return len(rows)

    async def chat_settings(self, chat: str) -> ChatSettings:
        async with self._conn.execute(
            "SELECT public_replies, hide_scenes, language FROM chat_settings WHERE chat = ?",
            (chat,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return ChatSettings(chat)
        return ChatSettings(chat, bool(row[0]), bool(row[1]), row[2])

    async def save_chat_settings(self, settings: ChatSettings) -> None:
        await self._write(
            "INSERT INTO chat_settings VALUES (?, ?, ?, ?) ON CONFLICT(chat) DO UPDATE SET "
            "public_replies=excluded.public_replies, "
            "hide_scenes=excluded.hide_scenes, language=excluded.language "
            "RETURNING chat",
            (
                settings.chat,
                int(settings.public_replies),
                int(settings.hide_scenes),
                settings.language,
            ),
        )

    async def salt(self) -> str:
        fresh = secrets.token_hex(16)
        rows = await self._write(
            "INSERT INTO meta VALUES ('salt', ?) ON CONFLICT(key) DO UPDATE SET value=value "
            "RETURNING value",
            (fresh,),
        )
        return str(rows[0][0])
