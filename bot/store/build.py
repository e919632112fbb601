"""Building the catalog: source files -> a SQLite file, atomically.

The catalog is written to a temporary file beside its destination and renamed into place
only when complete, so readers never see a half-built catalog and a failure leaves the
previous one untouched.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.atomic import staged
from bot.errors import CatalogError
from bot.models import Film
from bot.normalize import compact, initialisms, normalize
from bot.records import film_to_record
from bot.sources import fingerprint, iter_films, source_files
from bot.store.schema import (
    INDEXES,
    KIND_ALIAS,
    KIND_ORIGINAL,
    KIND_TITLE,
    SCHEMA,
    SCHEMA_VERSION,
    SHORT_PREFIX,
    SHORT_PREFIX_LEN,
    SHORT_PREFIX_TOP,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BuildReport:
    path: Path
    films: int
    names: int
    seconds: float


def _names_of(film: Film) -> list[tuple[int, str]]:
    names: list[tuple[int, str]] = [(KIND_TITLE, film.title)]
    if film.original_title:
        names.append((KIND_ORIGINAL, film.original_title))
    names.extend((KIND_ALIAS, alias) for alias in film.aliases)
    return names


def build_catalog(
    films: Iterable[Film],
    dest: Path,
    *,
    source_fingerprint: str = "",
) -> BuildReport:
    """Write a catalog of ``films`` to ``dest`` atomically (see the module)."""
    started = time.perf_counter()
    with staged(dest) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-50000")
            conn.executescript(SCHEMA)
            film_count, name_count = _insert_films(conn, films)
            _unique_ids(conn)
            _index(conn)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema", SCHEMA_VERSION),
                    ("fingerprint", source_fingerprint),
                    ("films", str(film_count)),
                    ("built_at", str(int(time.time()))),
                ],
            )
            conn.commit()
            conn.execute("ANALYZE")
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, dest)
    return BuildReport(dest, film_count, name_count, time.perf_counter() - started)


def _insert_films(conn: sqlite3.Connection, films: Iterable[Film]) -> tuple[int, int]:
    """Insert the films and their names in batches; returns how many of each."""
    film_rows: list[tuple[Any, ...]] = []
    name_rows: list[tuple[Any, ...]] = []
    initial_rows: list[tuple[str, int, int]] = []
    film_count = name_count = 0

    def flush() -> None:
        conn.executemany("INSERT INTO films VALUES (?,?,?,?,?,?,?,?,?)", film_rows)
        conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", name_rows)
        conn.executemany("INSERT OR IGNORE INTO initials VALUES (?,?,?)", initial_rows)
        film_rows.clear()
        name_rows.clear()
        initial_rows.clear()

    for film in films:
        film_count += 1
        record = json.dumps(film_to_record(film), ensure_ascii=False, separators=(",", ":"))
        film_rows.append(
            (
                film_count,
                film.id,
                film.title,
                film.year,
                film.popularity or 0,
                film.credits.verdict.value,
                film.credits.only_extras,
                ", ".join(film.directors),
                record,
            )
        )
        seen_keys: set[str] = set()
        for kind, name in _names_of(film):
            norm = normalize(name)
            if not norm or norm in seen_keys:
                continue
            seen_keys.add(norm)
            name_count += 1
            name_rows.append((name_count, film_count, kind, name, norm, compact(norm)))
            initial_rows.extend(
                (key, film.popularity or 0, name_count) for key in initialisms(name)
            )
        if len(film_rows) >= 20_000:
            flush()
    flush()
    return film_count, name_count


def _index(conn: sqlite3.Connection) -> None:
    """The full-text indexes, their term frequencies and the short-prefix table."""
    conn.execute("INSERT INTO names_fts(rowid, norm) SELECT nid, ' ' || norm || ' ' FROM names")
    conn.execute("INSERT INTO words_fts(rowid, norm) SELECT nid, norm FROM names")
    conn.executescript(INDEXES)
    for length in range(SHORT_PREFIX_LEN + 1):
        conn.execute(SHORT_PREFIX.format(length=length, top=SHORT_PREFIX_TOP))


def _unique_ids(conn: sqlite3.Connection) -> None:
    """Index the film ids, failing on a duplicate (checked in SQLite, not in memory)."""
    try:
        conn.execute("CREATE UNIQUE INDEX films_id ON films(id)")
    except sqlite3.IntegrityError:
        row = conn.execute(
            "SELECT id FROM films GROUP BY id HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        raise CatalogError(f"duplicate film id {row[0] if row else '?'!r}") from None


def read_fingerprint(db_path: Path) -> str | None:
    """The source fingerprint a catalog was built from, or None if unreadable."""
    if not db_path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT key, value FROM meta").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    meta = dict(rows)
    if meta.get("schema") != SCHEMA_VERSION:
        return None
    return meta.get("fingerprint")


def build_from_sources(data_dir: Path, dest: Path) -> BuildReport:
    """Build the catalog from every source file, validating each film as it streams by.

    A bad record aborts the build (with its file and line) and leaves the previous catalog
    in place. Films are streamed, not held, so millions of imported ones fit in memory.
    """
    files = source_files(data_dir)
    return build_catalog(
        (item.film for item in iter_films(files)), dest, source_fingerprint=fingerprint(files)
    )


def ensure_catalog(data_dir: Path, db_path: Path) -> Path:
    """Build the catalog if it is missing or older than its source files.

    A catalog that was not built from ``data_dir`` (an explicit ``--db`` of a
    benchmark or a deployment) is used as it is when there are no source files.
    """
    files = source_files(data_dir) if data_dir.is_dir() else []
    if not files:
        if db_path.is_file():
            return db_path
        raise CatalogError(f"no catalog at {db_path} and no data files in {data_dir}")
    current = read_fingerprint(db_path)
    if current is None or current != fingerprint(files):
        report = build_from_sources(data_dir, db_path)
        log.info("built catalog %s: %d films in %.2fs", db_path, report.films, report.seconds)
    return db_path
