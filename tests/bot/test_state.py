"""The state store: the same tests against SQLite and a real PostgreSQL server.

The PostgreSQL server is started by the tests from the system's binaries in a temporary
directory (``.ci/run`` installs the Debian package when it is missing), never mocked.
"""

from __future__ import annotations

import asyncio
import glob
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.state.base import ChatSettings, Claim, StateStore, Status, Tally, person_key
from bot.state.open import open_state
from bot.state.postgres import PostgresState
from bot.state.sqlite import SqliteState

ROOT = Path(__file__).resolve().parents[2]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A throwaway PostgreSQL cluster on 127.0.0.1, run as the ``postgres`` user when the
    tests run as root (initdb refuses root)."""

    def __init__(self) -> None:
        initdb, self.pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
        if initdb is None or self.pg_ctl is None:
            pytest.skip("PostgreSQL is not installed here (.ci/run installs it)")
        self.dir = Path(tempfile.mkdtemp(prefix="credits-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.dir, "postgres")
        self._run([initdb, "-D", str(self.data), "-A", "trust", "-U", "credits", "-E", "UTF8"])
        self.start()

    def _run(self, argv: list[str]) -> None:
        subprocess.run(
            [*self.as_user, *argv], check=True, capture_output=True, timeout=120, cwd=self.dir
        )

    def start(self) -> None:
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            [self.pg_ctl or "", "-D", str(self.data), "-o", opts, "-l", str(self.dir / "log"),
             "-w", "-t", "60", "start"]
        )  # fmt: skip

    def stop(self) -> None:
        self._run([self.pg_ctl or "", "-D", str(self.data), "-m", "fast", "-w", "stop"])

    @property
    def url(self) -> str:
        return f"postgresql://credits@127.0.0.1:{self.port}/postgres"

    def close(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def pg() -> Iterator[PgServer]:
    server = PgServer()
    try:
        yield server
    finally:
        server.close()


async def _reset(store: StateStore) -> None:
    if isinstance(store, PostgresState):
        await store._run(lambda c: c.execute("TRUNCATE reports, chat_settings"))


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StateStore]:
    if request.param == "sqlite":
        opened: StateStore = await SqliteState.open(tmp_path / "state.sqlite")
    else:
        server: PgServer = request.getfixturevalue("pg")
        opened = await PostgresState.open(server.url)
        await _reset(opened)
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_new_report_replaces_the_old_one(store: StateStore) -> None:
    first = await store.add_report("dune-2021", "p1", "telegram", Claim.AFTER, "saw it")
    second = await store.add_report("dune-2021", "p1", "telegram", Claim.NONE, None)
    assert second.id == first.id and second.claim is Claim.NONE and second.note is None
    assert [r.claim for r in await store.reports()] == [Claim.NONE]
    other = await store.add_report("dune-2021", "p2", "discord", Claim.AFTER, None)
    assert other.id != first.id
    assert await store.report(other.id) == other


async def test_tally_counts_people_and_finds_agreement(store: StateStore) -> None:
    for person in ("a", "b", "c"):
        await store.add_report("film-1", person, "discord", Claim.AFTER, None)
    tally = await store.tally("film-1")
    assert tally.people == 3 and tally.agreed() is Claim.AFTER
    await store.add_report("film-1", "d", "discord", Claim.NONE, None)
    assert (await store.tally("film-1")).agreed() is None  # disagreement shows as such
    await store.add_report("film-1", "a", "discord", Claim.WRONG_FILM, None)
    tally = await store.tally("film-1")
    assert tally.counts == {Claim.AFTER: 2, Claim.NONE: 1, Claim.WRONG_FILM: 1}


def test_agreement_needs_three_people_and_no_dissent() -> None:
    assert Tally("f", {Claim.DURING: 2}).agreed() is None
    assert Tally("f", {Claim.DURING: 3, Claim.OTHER: 4}).agreed() is Claim.DURING
    assert Tally("f", {Claim.DURING: 5, Claim.BOTH: 1}).agreed() is None


async def test_review_and_forget(store: StateStore) -> None:
    r = await store.add_report("film-2", "p1", "telegram", Claim.DURING, "x")
    await store.add_report("film-3", "p1", "telegram", Claim.NONE, None)
    await store.add_report("film-3", "p2", "telegram", Claim.NONE, None)
    accepted = await store.set_status(r.id, Status.ACCEPTED)
    assert accepted is not None and accepted.status is Status.ACCEPTED
    assert await store.set_status(999_999, Status.REJECTED) is None
    assert [x.id for x in await store.reports(Status.ACCEPTED)] == [r.id]
    assert (await store.tally("film-2")).people == 0  # reviewed reports no longer count
    assert await store.recent_reports("p1", time.time() - 60) == 2
    assert await store.forget("p1") == 2
    assert [x.person for x in await store.reports()] == ["p2"]


async def test_notes_are_capped_and_cleaned(store: StateStore) -> None:
    note = "\x1b[31m@everyone\x00 " + "long " * 200
    r = await store.add_report("film-4", "p", "discord", Claim.OTHER, note)
    assert r.note is not None and len(r.note) <= 300
    assert "\x1b" not in r.note and "\x00" not in r.note


async def test_chat_settings_round_trip(store: StateStore) -> None:
    assert await store.chat_settings("telegram:-100") == ChatSettings("telegram:-100")
    wanted = ChatSettings("telegram:-100", False, True, "fa")
    await store.save_chat_settings(wanted)
    await store.save_chat_settings(ChatSettings("discord:1", True, False, None))
    assert await store.chat_settings("telegram:-100") == wanted


async def test_the_salt_is_made_once_and_hides_the_person(store: StateStore) -> None:
    salt = await store.salt()
    assert salt == await store.salt() and len(salt) == 32
    key = person_key(salt, "telegram", 12345)
    assert "12345" not in key and key == person_key(salt, "telegram", "12345")
    assert key != person_key(salt, "discord", 12345)


async def test_migrations_run_once(tmp_path: Path, pg: PgServer) -> None:
    for _ in range(2):  # opening again finds the schema in place
        async with await SqliteState.open(tmp_path / "s.sqlite") as s:
            await s.add_report("f", "p", "console", Claim.AFTER, None)
        async with await PostgresState.open(pg.url) as p:
            await p.add_report("f", "p", "console", Claim.AFTER, None)


WRITER = """
import asyncio, sys
from bot.state.postgres import PostgresState
from bot.state.sqlite import SqliteState
from bot.state.base import Claim
from pathlib import Path

async def main(target, who):
    if target.startswith("postgresql://"):
        store = await PostgresState.open(target)
    else:
        store = await SqliteState.open(Path(target))
    async with store:
        for i in range(60):
            await store.add_report(f"film-{i}", who, "console", Claim.AFTER, None)

asyncio.run(main(sys.argv[1], sys.argv[2]))
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_two_processes_writing_at_once_lose_nothing(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        target = str(tmp_path / "shared.sqlite")
        async with await SqliteState.open(Path(target)):
            pass
    else:
        server: PgServer = request.getfixturevalue("pg")
        target = server.url
        async with await PostgresState.open(target) as s:
            await _reset(s)
    procs = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", WRITER, target, who, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
        for who in ("alice", "bob")
    ]  # fmt: skip
    results = [await p.communicate() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    store: StateStore = (
        await SqliteState.open(Path(target))
        if backend == "sqlite"
        else await PostgresState.open(target)
    )
    async with store:
        reports = await store.reports(limit=1000)
    assert len(reports) == 120
    assert {r.person for r in reports} == {"alice", "bob"}


async def test_a_postgres_restart_mid_run_is_survived(
    pg: PgServer, caplog: pytest.LogCaptureFixture
) -> None:
    async with await PostgresState.open(pg.url) as store:
        await _reset(store)
        await store.add_report("film-r", "p1", "console", Claim.AFTER, None)
        caplog.set_level(logging.WARNING, logger="bot.state.postgres")
        await asyncio.to_thread(pg.stop)
        restart = asyncio.create_task(_restart_later(pg))
        second = await store.add_report("film-r", "p2", "console", Claim.AFTER, None)
        await restart
        assert second.person == "p2"
        assert (await store.tally("film-r")).people == 2
    assert any("state database connection lost" in r.getMessage() for r in caplog.records)


async def _restart_later(pg: PgServer) -> None:
    await asyncio.sleep(0.5)
    await asyncio.to_thread(pg.start)


async def test_open_state_picks_the_backend(tmp_path: Path, pg: PgServer) -> None:
    env: dict[str, Any] = {"CREDITS_DB": str(tmp_path / "catalog.sqlite")}
    settings = Settings.from_env(env, dotenv=tmp_path / "none.env")
    store = await open_state(settings)
    assert isinstance(store, SqliteState) and store.path == tmp_path / "state.sqlite"
    await store.close()
    settings = Settings.from_env({**env, "CREDITS_STATE_URL": pg.url}, dotenv=tmp_path / "n")
    assert pg.url not in repr(settings)  # the URL may hold a password
    store = await open_state(settings)
    assert isinstance(store, PostgresState)
    await store.close()


async def test_a_version_1_store_keeps_its_chat_settings_after_the_upgrade(
    tmp_path: Path, pg: PgServer
) -> None:
    """Schema 2 renamed ``scenes_in_private`` (stored, never used) to ``hide_scenes``: a
    store written by schema 1 opens, keeps every chat's choices, and reads ``False``."""
    import aiosqlite
    import asyncpg

    from bot.state import postgres, sqlite

    path = tmp_path / "v1.sqlite"
    async with aiosqlite.connect(path) as conn:
        await conn.executescript(sqlite.MIGRATIONS[1])
        await conn.execute("INSERT INTO chat_settings VALUES ('telegram:-5', 0, 0, 'de')")
        await conn.execute("PRAGMA user_version=1")
        await conn.commit()
    admin = await asyncpg.connect(pg.url)
    try:
        await admin.execute("DROP DATABASE IF EXISTS v1")
        await admin.execute("CREATE DATABASE v1")
    finally:
        await admin.close()
    url = pg.url.rsplit("/", 1)[0] + "/v1"
    old = await asyncpg.connect(url)
    try:
        await old.execute("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        await old.execute(postgres.MIGRATIONS[1])
        await old.execute("INSERT INTO meta VALUES ('schema', '1')")
        await old.execute("INSERT INTO chat_settings VALUES ('telegram:-5', false, false, 'de')")
    finally:
        await old.close()

    for opened in (await SqliteState.open(path), await PostgresState.open(url)):
        async with opened as store:
            kept = await store.chat_settings("telegram:-5")
            assert kept == ChatSettings("telegram:-5", False, hide_scenes=False, language="de")
            await store.save_chat_settings(replace_hidden(kept))
            assert (await store.chat_settings("telegram:-5")).hide_scenes


def replace_hidden(settings: ChatSettings) -> ChatSettings:
    return ChatSettings(settings.chat, settings.public_replies, True, settings.language)
