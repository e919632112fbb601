"""The SQLite catalog: an atomic build from the source files, and read-only serving.

Layout (schema version in ``meta``):

- ``films``: one row per film, the full record as JSON plus the columns queries need;
- ``names``: every title, original title and alias of every film, with its normalised
  and compact keys (``names_compact`` serves exact lookup and autocomplete prefixes);
- ``names_fts``: an FTS5 trigram index over the normalised names (contentless,
  ``detail=none``), read one trigram at a time, rarest first;
- ``words_fts``: an FTS5 word index (unicode61) over the same names;
- ``trigram_df`` / ``word_df``: how many names hold each trigram or word, so a query can
  pick its most selective terms without touching the big posting lists.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.catalog import film_from_record, film_to_record, iter_films, source_files
from bot.errors import CatalogError
from bot.models import Film
from bot.normalize import compact, normalize

log = logging.getLogger(__name__)

SCHEMA_VERSION = "3"
KIND_TITLE, KIND_ORIGINAL, KIND_ALIAS = 0, 1, 2

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE films(
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    popularity INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    directors TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE names(
    nid INTEGER PRIMARY KEY,
    film INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    norm TEXT NOT NULL,
    compact TEXT NOT NULL
);
CREATE VIRTUAL TABLE names_fts USING fts5(
    norm, content='', detail='none', tokenize='trigram'
);
CREATE VIRTUAL TABLE words_fts USING fts5(
    norm, content='', detail='none', tokenize='unicode61'
);
"""

_INDEXES = """
CREATE VIRTUAL TABLE temp.names_vocab USING fts5vocab(main, names_fts, 'row');
CREATE TABLE trigram_df(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO trigram_df SELECT term, doc FROM temp.names_vocab;
DROP TABLE temp.names_vocab;
CREATE VIRTUAL TABLE temp.words_vocab USING fts5vocab(main, words_fts, 'row');
CREATE TABLE word_df(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO word_df SELECT term, doc FROM temp.words_vocab;
DROP TABLE temp.words_vocab;
CREATE INDEX films_popularity ON films(popularity DESC);
CREATE INDEX names_compact ON names(compact);
CREATE INDEX names_film ON names(film);
CREATE TABLE short_prefix(prefix TEXT NOT NULL, rank INTEGER NOT NULL, film INTEGER NOT NULL,
    PRIMARY KEY (prefix, rank)) WITHOUT ROWID;
"""

SHORT_PREFIX_LEN = 3
SHORT_PREFIX_TOP = 50
"""Autocomplete of 1-3 letters reads the most popular films from ``short_prefix``: a range
scan of the names would see thousands of rows in alphabetical, not popular, order."""

_SHORT_PREFIX = """
INSERT INTO short_prefix
SELECT prefix, rank, film FROM (
    SELECT prefix, film,
           row_number() OVER (PARTITION BY prefix ORDER BY popularity DESC, film) AS rank
    FROM (
        SELECT DISTINCT substr(n.compact, 1, {length}) AS prefix, n.film, f.popularity
        FROM names AS n JOIN films AS f ON f.rid = n.film
        WHERE length(n.compact) >= {length}
    )
) WHERE rank <= {top}
"""


def fingerprint(paths: Sequence[Path]) -> str:
    """Changes whenever a source file is added, removed or modified."""
    digest = hashlib.sha256()
    for path in paths:
        st = path.stat()
        digest.update(f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


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
    """Write a catalog of ``films`` to ``dest`` atomically.

    The catalog is written to a temporary file beside ``dest`` and renamed into place
    only when complete, so readers never see a half-built catalog and a failure leaves
    the previous one untouched.
    """
    started = time.perf_counter()
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    film_count = name_count = 0
    try:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-50000")
            conn.executescript(_SCHEMA)
            film_rows: list[tuple[Any, ...]] = []
            name_rows: list[tuple[Any, ...]] = []

            def flush() -> None:
                conn.executemany("INSERT INTO films VALUES (?,?,?,?,?,?,?,?)", film_rows)
                conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", name_rows)
                film_rows.clear()
                name_rows.clear()

            for film in films:
                film_count += 1
                film_rows.append(
                    (
                        film_count,
                        film.id,
                        film.title,
                        film.year,
                        film.popularity or 0,
                        film.credits.verdict.value,
                        ", ".join(film.directors),
                        json.dumps(film_to_record(film), ensure_ascii=False, separators=(",", ":")),
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
                if len(film_rows) >= 20_000:
                    flush()
            flush()
            _unique_ids(conn)
            conn.execute(
                "INSERT INTO names_fts(rowid, norm) SELECT nid, ' ' || norm || ' ' FROM names"
            )
            conn.execute("INSERT INTO words_fts(rowid, norm) SELECT nid, norm FROM names")
            conn.executescript(_INDEXES)
            for length in range(SHORT_PREFIX_LEN + 1):
                conn.execute(_SHORT_PREFIX.format(length=length, top=SHORT_PREFIX_TOP))
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
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return BuildReport(dest, film_count, name_count, time.perf_counter() - started)


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


@dataclass(frozen=True, slots=True)
class FilmRow:
    rid: int
    id: str
    title: str
    year: int
    popularity: int
    verdict: str
    directors: str


@dataclass(frozen=True, slots=True)
class NameRow:
    film: FilmRow
    kind: int
    name: str
    norm: str


_FILM_COLUMNS = "f.rid, f.id, f.title, f.year, f.popularity, f.verdict, f.directors"


def _name_rows(rows: Iterable[Sequence[Any]]) -> list[NameRow]:
    """Rows of ``n.kind, n.name, n.norm, <_FILM_COLUMNS>``."""
    return [NameRow(FilmRow(*r[3:]), r[0], r[1], r[2]) for r in rows]


class CatalogReader:
    """Read-only access to a built catalog over one aiosqlite connection."""

    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path) -> Self:
        if not path.is_file():
            raise CatalogError(f"no catalog at {path}: run 'credits-bot db build'")
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = await aiosqlite.connect(uri, uri=True)
        try:
            await conn.execute("PRAGMA query_only=ON")
            rows = await conn.execute_fetchall("SELECT key, value FROM meta")
        except sqlite3.Error as exc:
            await conn.close()
            raise CatalogError(f"{path} is not a credits-bot catalog ({exc})") from None
        meta = {str(k): str(v) for k, v in rows}
        if meta.get("schema") != SCHEMA_VERSION:
            await conn.close()
            raise CatalogError(f"{path} was built by another version: run 'credits-bot db build'")
        return cls(conn, path)

    async def close(self) -> None:
        await self._conn.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def exact(self, compact_key: str) -> list[NameRow]:
        rows = await self._conn.execute_fetchall(
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM names AS n "
            "JOIN films AS f ON f.rid = n.film WHERE n.compact = ? LIMIT 50",
            (compact_key,),
        )
        return _name_rows(rows)

    async def document_frequencies(
        self, words: Sequence[str], grams: Sequence[str]
    ) -> tuple[dict[str, int], dict[str, int]]:
        """How many names hold each word and each trigram (absent terms are left out)."""
        if not words and not grams:
            return {}, {}
        sql = (
            f"SELECT 0, term, df FROM word_df WHERE term IN ({','.join('?' * len(words))}) "
            "UNION ALL "
            f"SELECT 1, term, df FROM trigram_df WHERE term IN ({','.join('?' * len(grams))})"
        )
        rows = await self._conn.execute_fetchall(sql, (*words, *grams))
        found: tuple[dict[str, int], dict[str, int]] = ({}, {})
        for kind, term, df in rows:
            found[int(kind)][str(term)] = int(df)
        return found

    async def trigram_candidates(self, terms: Sequence[str], limit: int) -> list[NameRow]:
        """Names that hold the most of the trigrams ``terms`` (counted in SQLite), best first."""
        if not terms:
            return []
        union = " UNION ALL ".join(
            "SELECT rowid AS nid FROM names_fts WHERE names_fts MATCH ?" for _ in terms
        )
        sql = (
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM "
            f"(SELECT nid, count(*) AS hits FROM ({union}) GROUP BY nid "
            f"ORDER BY hits DESC LIMIT ?) AS h JOIN names AS n ON n.nid = h.nid "
            f"JOIN films AS f ON f.rid = n.film ORDER BY h.hits DESC"
        )
        params = [f'"{t}"' for t in terms]
        rows = await self._conn.execute_fetchall(sql, (*params, limit))
        return _name_rows(rows)

    async def all_words(self, words: Sequence[str], limit: int) -> list[NameRow]:
        """Names holding every one of ``words`` (FTS5 intersects the posting lists)."""
        if not words:
            return []
        match = " AND ".join(f'"{w}"' for w in words)
        rows = await self._conn.execute_fetchall(
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM "
            "(SELECT rowid AS nid FROM words_fts WHERE words_fts MATCH ? LIMIT ?) AS h "
            "JOIN names AS n ON n.nid = h.nid JOIN films AS f ON f.rid = n.film",
            (match, limit),
        )
        return _name_rows(rows)

    async def prefix(self, compact_prefix: str, scan: int) -> list[NameRow]:
        """Names whose compact key starts with the prefix (at most ``scan`` of them)."""
        upper = compact_prefix + "\U0010ffff"
        rows = await self._conn.execute_fetchall(
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM names AS n "
            "JOIN films AS f ON f.rid = n.film WHERE n.compact >= ? AND n.compact < ? LIMIT ?",
            (compact_prefix, upper, scan),
        )
        return _name_rows(rows)

    async def popular_prefix(self, compact_prefix: str, limit: int) -> list[FilmRow]:
        """The most popular films with a name that starts with a 0-3 letter prefix."""
        rows = await self._conn.execute_fetchall(
            f"SELECT {_FILM_COLUMNS} FROM short_prefix AS p JOIN films AS f ON f.rid = p.film "
            "WHERE p.prefix = ? ORDER BY p.rank LIMIT ?",
            (compact_prefix, limit),
        )
        return [FilmRow(*r) for r in rows]

    async def film_by_rid(self, rid: int) -> Film | None:
        rows = list(
            await self._conn.execute_fetchall("SELECT record FROM films WHERE rid = ?", (rid,))
        )
        return _film(rows[0][0]) if rows else None

    async def film_by_id(self, film_id: str) -> tuple[int, Film] | None:
        rows = list(
            await self._conn.execute_fetchall(
                "SELECT rid, record FROM films WHERE id = ?", (film_id,)
            )
        )
        return (int(rows[0][0]), _film(rows[0][1])) if rows else None

    async def stats(self) -> dict[str, Any]:
        rows = await self._conn.execute_fetchall(
            "SELECT verdict, count(*) FROM films GROUP BY verdict"
        )
        verdicts = {str(v): int(n) for v, n in rows}
        total = sum(verdicts.values())
        sources = await self._conn.execute_fetchall(
            "SELECT coalesce(json_extract(record, '$.credits.source'), '(none)') AS s, count(*) "
            "FROM films GROUP BY s ORDER BY count(*) DESC"
        )
        return {
            "films": total,
            "with_credits": total - verdicts.get("unknown", 0),
            "verdicts": {
                v: verdicts.get(v, 0) for v in ("none", "during", "after", "both", "unknown")
            },
            "sources": {str(s): int(n) for s, n in sources},
        }


def _film(record: str) -> Film:
    return film_from_record(json.loads(record), "<catalog>", 0)
