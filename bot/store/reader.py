"""Serving the catalog: read-only queries over one aiosqlite connection.

Rows come back as :class:`FilmRow` / :class:`NameRow` for the resolver, and whole films
from the JSON record the build validated (read back without validating it again).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiosqlite

from bot.errors import CatalogError
from bot.models import Credits, Film, Position, Ratings, Scene, Verdict, WorthStaying
from bot.store.schema import SCHEMA_VERSION


@dataclass(frozen=True, slots=True)
class FilmRow:
    rid: int
    id: str
    title: str
    year: int
    popularity: int
    verdict: str
    extras: str | None
    directors: str


@dataclass(frozen=True, slots=True)
class NameRow:
    film: FilmRow
    kind: int
    name: str
    norm: str


_FILM_COLUMNS = "f.rid, f.id, f.title, f.year, f.popularity, f.verdict, f.extras, f.directors"


def fts_term(term: str) -> str:
    """One FTS5 string term: quoted, with any double quote inside doubled (FTS5's own
    escape), so no text a user typed is ever read as FTS5 query syntax."""
    return '"' + term.replace('"', '""') + '"'


def _name_rows(rows: Iterable[Sequence[Any]]) -> list[NameRow]:
    """Rows of ``n.kind, n.name, n.norm, <_FILM_COLUMNS>``."""
    return [NameRow(FilmRow(*r[3:]), r[0], r[1], r[2]) for r in rows]


def read_through(path: Path, chunk: int = 1 << 20) -> tuple[int, float]:
    """Read ``path`` sequentially into one reused buffer (see :meth:`CatalogReader.warm`)."""
    t0 = time.perf_counter()
    total = 0
    buffer = bytearray(chunk)
    with path.open("rb", buffering=0) as handle:
        if hasattr(os, "posix_fadvise"):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while n := handle.readinto(buffer):
            total += n
    return total, time.perf_counter() - t0


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

    async def warm(self) -> tuple[int, float]:
        """Read the catalog file once from start to end, in a worker thread, so the
        operating system holds it in memory: a serving process's first answers then do not
        wait on the disk (at 1M films a cold file doubled the ask p99). Nothing is kept in
        this process. Returns the bytes read and the seconds it took."""
        return await asyncio.to_thread(read_through, self.path)

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
        params = [fts_term(t) for t in terms]
        rows = await self._conn.execute_fetchall(sql, (*params, limit))
        return _name_rows(rows)

    async def all_words(self, words: Sequence[str], limit: int) -> list[NameRow]:
        """Names holding every one of ``words`` (FTS5 intersects the posting lists)."""
        if not words:
            return []
        match = " AND ".join(fts_term(w) for w in words)
        rows = await self._conn.execute_fetchall(
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM "
            "(SELECT rowid AS nid FROM words_fts WHERE words_fts MATCH ? LIMIT ?) AS h "
            "JOIN names AS n ON n.nid = h.nid JOIN films AS f ON f.rid = n.film",
            (match, limit),
        )
        return _name_rows(rows)

    async def initials(self, key: str, limit: int) -> list[NameRow]:
        """Names with the acronym ``key`` (see :func:`bot.normalize.initialisms`), the most
        popular films first."""
        rows = await self._conn.execute_fetchall(
            f"SELECT n.kind, n.name, n.norm, {_FILM_COLUMNS} FROM "
            "(SELECT nid, popularity FROM initials WHERE key = ? "
            "ORDER BY popularity DESC LIMIT ?) AS i "
            "JOIN names AS n ON n.nid = i.nid JOIN films AS f ON f.rid = n.film "
            "ORDER BY i.popularity DESC",
            (key, limit),
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

    async def film_count(self) -> int:
        """How many films the catalog holds (cheap: for health checks and metrics)."""
        rows = list(await self._conn.execute_fetchall("SELECT count(*) FROM films"))
        return int(rows[0][0])

    async def stats(self) -> dict[str, Any]:
        """Counts by verdict and source, and coverage: recaps, synopses, ratings, box office
        (overall, and of the films since 1980 with a recorded verdict)."""
        rows = await self._conn.execute_fetchall(
            "SELECT verdict, count(*) FROM films GROUP BY verdict"
        )
        verdicts = {str(v): int(n) for v, n in rows}
        total = sum(verdicts.values())
        rows = await self._conn.execute_fetchall(
            "SELECT coalesce(json_extract(record, '$.credits.source'), '(none)') AS s, count(*) "
            "FROM films WHERE verdict != 'unknown' GROUP BY s"
        )
        by_outlet: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for source, n in rows:
            name = _outlet(str(source))
            key = _outlet_key(name)
            by_outlet[key] += int(n)
            spellings.setdefault(key, Counter())[name] += int(n)
        sources = sorted(
            ((spellings[k].most_common(1)[0][0], n) for k, n in by_outlet.items()),
            key=lambda item: (-item[1], item[0]),
        )
        (coverage,) = await self._conn.execute_fetchall(_COVERAGE)
        names = ("recap", "synopsis", "ratings", "box_office", "runtime", "directors")
        overall = dict(zip(names, (int(x or 0) for x in coverage[:6]), strict=True))
        recent_total = int(coverage[6] or 0)
        recent = dict(zip(names, (int(x or 0) for x in coverage[7:]), strict=True))
        return {
            "films": total,
            "with_credits": total - verdicts.get("unknown", 0),
            "verdicts": {v.value: verdicts.get(v.value, 0) for v in Verdict},
            "sources": {str(s): int(n) for s, n in sources},
            "coverage": overall,
            "since_1980_with_verdict": {
                "films": recent_total,
                **recent,
                **{
                    f"{k}_share": round(v / recent_total, 3) if recent_total else 0.0
                    for k, v in recent.items()
                },
            },
        }


_PAGE = re.compile(r"\s*\((?:https?://|www\.)[^()]*\)\s*$")


def _outlet(source: str) -> str:
    """A verdict's source without the page it names ("aftercredits.com
    (https://aftercredits.com/2011/03/abyss-the-1989/)" counts as "aftercredits.com"), so
    the stats count verdicts by outlet rather than by page."""
    return _PAGE.sub("", source) or source


def _outlet_key(name: str) -> str:
    """One outlet however it is spelt ("What's After The Movie", "whatsafterthemovie.com")."""
    key = re.sub(r"[^a-z0-9]+", "", name.lower())
    return key.removeprefix("www").removesuffix("com") or name


_HAS = (
    "json_extract(record, '$.recap') IS NOT NULL",
    "json_extract(record, '$.synopsis') IS NOT NULL",
    "json_extract(record, '$.ratings') IS NOT NULL",
    "json_extract(record, '$.box_office') IS NOT NULL",
    "json_extract(record, '$.runtime_minutes') IS NOT NULL",
    "directors != ''",
)
_RECENT = "year >= 1980 AND verdict != 'unknown'"
_COVERAGE = (
    "SELECT "
    + ", ".join(f"sum({h})" for h in _HAS)
    + f", sum({_RECENT}), "
    + ", ".join(f"sum({_RECENT} AND {h})" for h in _HAS)
    + " FROM films"
)


def _film(record: str) -> Film:
    return _film_of(json.loads(record))


def _film_of(raw: dict[str, Any]) -> Film:
    """A film from a row's record, which the build validated: no checks, so serving does
    not re-validate what the build did."""
    r = raw.get("ratings") or {}
    c = raw.get("credits") or {}
    return Film(
        id=raw["id"],
        title=raw["title"],
        year=raw["year"],
        original_title=raw.get("original_title"),
        aliases=tuple(raw.get("aliases") or ()),
        imdb_id=raw.get("imdb_id"),
        tmdb_id=raw.get("tmdb_id"),
        runtime_minutes=raw.get("runtime_minutes"),
        box_office=raw.get("box_office"),
        languages=tuple(raw.get("languages") or ()),
        writers=tuple(raw.get("writers") or ()),
        directors=tuple(raw.get("directors") or ()),
        ratings=Ratings(
            metascore=r.get("metascore"),
            metacritic_user=r.get("metacritic_user"),
            tomatometer=r.get("tomatometer"),
            audience=r.get("audience"),
        ),
        popularity=raw.get("popularity"),
        synopsis=raw.get("synopsis"),
        recap=raw.get("recap"),
        credits=Credits(
            verdict=Verdict(c.get("verdict", "unknown")),
            scenes=tuple(
                Scene(
                    position=Position(s["position"]),
                    description=s.get("description"),
                    kind=s.get("kind"),
                    at=s.get("at"),
                )
                for s in c.get("scenes") or ()
            ),
            source=c.get("source"),
            extras=tuple(c.get("extras") or ()),
            worth_staying=WorthStaying(**w) if (w := c.get("worth_staying")) else None,
            disputed=c.get("disputed"),
        ),
        sources=tuple((raw.get("sources") or {}).items()),
    )
