"""The catalog store on a real SQLite file: atomic builds, read-only serving, staleness."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path

import pytest

from bot.errors import CatalogError, DataError
from bot.models import Film
from bot.service import CreditsService
from bot.store.build import build_catalog, build_from_sources, ensure_catalog
from bot.store.reader import CatalogReader

ROOT = Path(__file__).resolve().parents[2]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def test_build_is_atomic_and_a_failed_build_keeps_the_old_catalog(tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    build_catalog([Film("a-2000", "A Film", 2000)], db)
    before = db.read_bytes()

    def broken() -> object:
        yield Film("b-2001", "B Film", 2001)
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        build_catalog(broken(), db)  # type: ignore[arg-type]
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["catalog.sqlite"]  # no temp file left


def test_bad_data_names_file_and_line_and_writes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "a.jsonl", [{"title": "Good", "year": 2000}, {"title": "Bad", "year": "x"}])
    db = tmp_path / "catalog.sqlite"
    with pytest.raises(DataError) as err:
        build_from_sources(data, db)
    assert str(err.value).startswith(f"{data / 'a.jsonl'}:2:")
    assert not db.exists()


async def test_serving_is_read_only(catalog_db: Path) -> None:
    async with await CatalogReader.open(catalog_db) as reader:
        conn = reader._conn
        with pytest.raises(sqlite3.OperationalError):
            await conn.execute("DELETE FROM films")
        with pytest.raises(sqlite3.OperationalError):
            await conn.execute("CREATE TABLE x(y)")


async def test_open_rejects_missing_and_foreign_files(tmp_path: Path) -> None:
    with pytest.raises(CatalogError):
        await CreditsService.open(tmp_path / "missing.sqlite")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.commit()
    with pytest.raises(CatalogError):
        await CreditsService.open(other)
    text = tmp_path / "text.sqlite"
    text.write_text("not a database")
    with pytest.raises(CatalogError):
        await CreditsService.open(text)


def test_catalog_is_built_on_first_use_and_rebuilt_when_data_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    write_jsonl(data / "a.jsonl", [{"title": "First", "year": 2000}])
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    assert db.exists()
    stamp = db.stat().st_mtime_ns
    ensure_catalog(data, db)
    assert db.stat().st_mtime_ns == stamp  # fresh: not rebuilt
    time.sleep(0.01)
    write_jsonl(data / "b.jsonl", [{"title": "Second", "year": 2001}])
    ensure_catalog(data, db)
    films = sqlite3.connect(db).execute("SELECT title FROM films ORDER BY title").fetchall()
    assert films == [("First",), ("Second",)]


async def test_stats(catalog_db: Path) -> None:
    async with await CatalogReader.open(catalog_db) as reader:
        stats = await reader.stats()
    assert stats["films"] == sum(stats["verdicts"].values())
    assert stats["with_credits"] == stats["films"] - stats["verdicts"]["unknown"]
    assert set(stats["verdicts"]) == {"none", "during", "after", "both", "some", "unknown"}


def test_imported_films_survive_a_rebuild(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)
    write_jsonl(data / "a.jsonl", [{"title": "Curated", "year": 2000}])
    write_jsonl(data / "local" / "import-1.jsonl", [{"title": "Imported", "year": 2001}])
    db = tmp_path / "catalog.sqlite"
    build_from_sources(data, db)
    build_from_sources(data, db)
    titles = {t for (t,) in sqlite3.connect(db).execute("SELECT title FROM films")}
    assert titles == {"Curated", "Imported"}
    os.remove(data / "local" / "import-1.jsonl")
