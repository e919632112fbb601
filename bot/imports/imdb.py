"""``credits-bot db import-imdb``: IMDb's dataset files as films with an unknown verdict.

Reads ``title.basics.tsv[.gz]`` and, optionally, ``title.akas.tsv[.gz]`` (alternative
titles) and ``title.ratings.tsv[.gz]`` (votes, used as popularity), exactly as IMDb
publishes them: tab-separated, a header row, ``\\N`` for null, gzip or plain.

- Kept: ``titleType`` ``movie`` (and ``tvMovie`` with ``tv_movies``); never episodes,
  series, shorts, videos or games; never ``isAdult`` 1; never a film without a year.
- Each film gets year, runtime, IMDb id, original title and up to :data:`MAX_ALIASES`
  alternative titles (deduplicated by normalised form; English-speaking regions first,
  working titles last), and no credit facts (verdict ``unknown``).
- A film that a curated or ``db import`` file already holds (same IMDb id, same normalised
  title and year, or same title a year apart when the IMDb ids do not say otherwise) is
  skipped and counted: those records are left untouched. Two IMDb films with one
  normalised title and year: the first (lowest id) is kept.
- Streaming in one pass: the three files are sorted by title id, so they are merge-joined;
  memory holds one film's rows and a 64-bit hash per written film.
- Malformed rows (wrong column count, a bad id, year, runtime or flag, text that is not
  UTF-8) are skipped and reported with file and line; more than ``max_bad`` of them
  (default :data:`DEFAULT_MAX_BAD`) abort the import. A missing or wrong header, an
  unreadable or corrupt file abort it at once. An aborted import writes nothing.
- The films go to ``data/local/imdb.jsonl``, written to a temporary file and renamed into
  place only when the catalog rebuilt from it has been built too (see
  :func:`bot.imports.common.install_and_rebuild`).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import re
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bot.atomic import staged
from bot.errors import DataError
from bot.imports.common import Progress, install_and_rebuild
from bot.normalize import normalize
from bot.records import slugify
from bot.sources import (
    IMDB_FILE,
    LAYER_AFTERCREDITS,
    TMDB_FILE,
    HashSet64,
    Held,
    Identity,
    held_films,
)
from bot.store.build import BuildReport

BASICS_COLUMNS = (
    "tconst",
    "titleType",
    "primaryTitle",
    "originalTitle",
    "isAdult",
    "startYear",
    "endYear",
    "runtimeMinutes",
    "genres",
)
AKAS_COLUMNS = (
    "titleId",
    "ordering",
    "title",
    "region",
    "language",
    "types",
    "attributes",
    "isOriginalTitle",
)
RATINGS_COLUMNS = ("tconst", "averageRating", "numVotes")

MAX_ALIASES = 8
"""Alternative titles kept per film (a famous film has a hundred akas, mostly repeats)."""
DEFAULT_MAX_BAD = 100
"""Malformed rows skipped (and reported) before the import gives up."""
SHOWN_BAD = 20
"""Malformed rows reported one by one; the rest are counted."""

NULL = b"\\N"
_TCONST = re.compile(rb"tt\d{7,10}")
_YEAR = re.compile(rb"\d{4}")
_ENGLISH_REGIONS = frozenset({b"US", b"GB", b"XWW", b"CA", b"AU", b"NZ", b"IE"})
_CHECK_EVERY = 4096


@dataclass(frozen=True, slots=True)
class BadRow:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.reason}"


class BadRows:
    """Malformed rows: the first few kept for the report, the import aborted past a limit."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self.shown: list[BadRow] = []

    def add(self, path: str, line: int, reason: str) -> None:
        self.count += 1
        if len(self.shown) < SHOWN_BAD:
            self.shown.append(BadRow(path, line, reason))
        if self.count > self.limit:
            raise DataError(
                path,
                line,
                f"{reason} (malformed row {self.count}, more than the {self.limit} allowed "
                "with --max-bad): nothing was imported",
            )


class TsvFile:
    """The lines of one IMDb TSV file, gzip or plain, after a checked header row."""

    def __init__(self, path: Path, columns: tuple[str, ...], what: str) -> None:
        self.name = str(path)
        try:
            self._raw: IO[bytes] = path.open("rb", buffering=1 << 20)
        except OSError as exc:
            raise DataError(self.name, None, f"cannot read: {exc.strerror or exc}") from None
        self.size = max(os.fstat(self._raw.fileno()).st_size, 1)
        magic = self._raw.read(2)
        self._raw.seek(0)
        self._stream: IO[bytes] | gzip.GzipFile = self._raw
        if magic == b"\x1f\x8b":
            self._stream = gzip.GzipFile(fileobj=self._raw, mode="rb")
        self.line = 0
        header = next(self.lines(skip_blank=False), None)
        expected = "\t".join(columns)
        got = (header or b"").rstrip(b"\r\n").decode("utf-8", "replace")
        if got != expected:
            raise DataError(
                self.name,
                1,
                f"not an IMDb {what} file: the first line must be the header "
                f"{' '.join(columns)} (tab-separated)",
            )

    def lines(self, *, skip_blank: bool = True) -> Iterator[bytes]:
        """Raw lines (with their newline); ``self.line`` is the line number of the last."""
        try:
            for raw in self._stream:
                self.line += 1
                if skip_blank and not raw.strip():
                    continue
                yield raw
        except (OSError, EOFError, zlib.error) as exc:
            raise DataError(self.name, self.line + 1, f"cannot read: {exc}") from None

    def position(self) -> float:
        """How far through the file (compressed bytes for gzip), 0 to 1."""
        with contextlib.suppress(OSError, ValueError):
            return self._raw.tell() / self.size
        return 0.0

    def close(self) -> None:
        self._stream.close()
        self._raw.close()


class _Order:
    """How the files sort title ids, learnt from basics: as text (IMDb publishes
    ``tt9999999`` after ``tt10000000``) or as numbers. Ids of one length sort alike
    either way; until the order is known, ids of different lengths are only compared
    where both orders agree."""

    def __init__(self) -> None:
        self.mode: str | None = None
        self._previous = b""

    def see(self, tconst: bytes) -> None:
        previous, self._previous = self._previous, tconst
        if self.mode is not None or not previous or len(previous) == len(tconst):
            return
        if not (_TCONST.fullmatch(previous) and _TCONST.fullmatch(tconst)):
            return
        if len(previous) > len(tconst):
            self.mode = "text"
        elif previous > tconst:
            self.mode = "numeric"

    def precedes(self, a: bytes, b: bytes) -> bool:
        if len(a) == len(b) or self.mode == "text":
            return a < b
        if self.mode == "numeric":
            return len(a) < len(b)
        return a < b and len(a) < len(b)


class _Grouped:
    """A file sorted by title id (akas, ratings), read alongside basics: a merge join."""

    def __init__(self, tsv: TsvFile, order: _Order, bad: BadRows) -> None:
        self._tsv = tsv
        self._lines = tsv.lines()
        self._order = order
        self._bad = bad
        self._peek: tuple[int, bytes, bytes] | None = None
        self._advance()

    def _advance(self) -> None:
        for raw in self._lines:
            tab = raw.find(b"\t")
            tid = raw[:tab] if tab >= 0 else raw.rstrip(b"\r\n")
            if not _TCONST.fullmatch(tid):
                self._bad.add(self._tsv.name, self._tsv.line, f"bad title id {_show(tid)}")
                continue
            self._peek = (self._tsv.line, tid, raw)
            return
        self._peek = None

    def take(self, tconst: bytes) -> list[tuple[int, bytes]]:
        """The rows of ``tconst``, skipping the rows of titles before it."""
        rows: list[tuple[int, bytes]] = []
        while self._peek is not None:
            line, tid, raw = self._peek
            if tid == tconst:
                rows.append((line, raw))
            elif not self._order.precedes(tid, tconst):
                break
            self._advance()
        return rows


@dataclass
class ImdbReport:
    rows: int = 0
    """Data rows of the basics file."""
    films: int = 0
    """Films written."""
    aliases: int = 0
    with_votes: int = 0
    skipped_type: int = 0
    """Rows that are not films: episodes, series, shorts, videos, games."""
    skipped_adult: int = 0
    skipped_no_year: int = 0
    skipped_held: int = 0
    """Films a curated or ``db import`` file already holds: left untouched."""
    skipped_duplicate: int = 0
    """A second IMDb film with the same normalised title and year."""
    skipped_title: int = 0
    """No usable title (no letter or digit, or longer than 300 characters)."""
    tmdb_overrides: int = 0
    """Films written here whose credit facts ``tmdb.jsonl`` supplies at build time."""
    bad: BadRows = field(default_factory=lambda: BadRows(DEFAULT_MAX_BAD))
    written: Path | None = None
    build: BuildReport | None = None
    stream_seconds: float = 0.0
    """Reading the files and writing ``imdb.jsonl``, without the rebuild."""
    seconds: float = 0.0


def _show(value: bytes) -> str:
    text = value.decode("utf-8", "replace")
    return repr(text if len(text) <= 40 else text[:40] + "…")


def _usable(title: str) -> bool:
    return 0 < len(title) <= 300 and any(ch.isalnum() for ch in title)


def film_id(title: str, year: int, tconst: str) -> str:
    """``the-dark-knight-2008-tt0468569``: the slug, made unique by the IMDb id."""
    suffix = f"-{tconst}"
    slug = slugify(title, year)
    room = 63 - len(suffix)
    if len(slug) > room:
        head = slug[: -len(f"-{year}")][: room - len(f"-{year}")].rstrip("-")
        slug = f"{head or 'film'}-{year}"
    return slug + suffix


def _tmdb_claims(path: Path) -> tuple[set[tuple[str, int]], set[str]]:
    """Keys and IMDb ids of the films ``tmdb.jsonl`` holds (they win over IMDb's)."""
    keys: set[tuple[str, int]] = set()
    ids: set[str] = set()
    if not path.is_file():
        return keys, ids
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            with contextlib.suppress(ValueError, TypeError, AttributeError):
                record = json.loads(line)
                keys.add((normalize(record["title"]), record["year"]))
                if record.get("imdb_id"):
                    ids.add(record["imdb_id"])
    return keys, ids


def _aliases(
    title_key: str,
    original: str | None,
    rows: list[tuple[int, bytes]],
    akas: TsvFile,
    bad: BadRows,
) -> list[str]:
    candidates: dict[str, int] = {}
    for line, raw in rows:
        parts = raw.rstrip(b"\r\n").split(b"\t")
        if len(parts) != len(AKAS_COLUMNS):
            bad.add(akas.name, line, f"expected 8 tab-separated columns, found {len(parts)}")
            continue
        if parts[7] not in (b"0", b"1", NULL):
            bad.add(akas.name, line, f"isOriginalTitle must be 0 or 1, not {_show(parts[7])}")
            continue
        try:
            name = parts[2].decode("utf-8").strip()
        except UnicodeDecodeError:
            bad.add(akas.name, line, "not UTF-8 text")
            continue
        if not _usable(name) or name in candidates:
            continue
        if b"working" in parts[5]:
            priority = 2
        elif parts[3] in _ENGLISH_REGIONS or parts[4] == b"en":
            priority = 0
        else:
            priority = 1
        candidates[name] = priority
    seen = {title_key}
    if original is not None:
        seen.add(normalize(original))
    aliases: list[str] = []
    for name in sorted(candidates, key=candidates.__getitem__):  # stable: file order
        key = normalize(name)
        if key in seen:
            continue
        seen.add(key)
        aliases.append(name)
        if len(aliases) >= MAX_ALIASES:
            break
    return aliases


def _votes(rows: list[tuple[int, bytes]], ratings: TsvFile, bad: BadRows) -> int | None:
    for line, raw in rows:
        parts = raw.rstrip(b"\r\n").split(b"\t")
        if len(parts) != len(RATINGS_COLUMNS) or not parts[2].isdigit():
            bad.add(ratings.name, line, "expected tconst, averageRating and a whole numVotes")
            continue
        return min(int(parts[2]), 10**10)
    return None


@dataclass(slots=True)
class _Basic:
    """One usable row of ``title.basics``."""

    tconst: bytes
    title: str
    original: str | None
    year: int
    runtime: int | None


def _parse_basic(parts: list[bytes], name: str, line: int, report: ImdbReport) -> _Basic | None:
    """A film row, or None after counting why it is skipped (or reporting it as bad)."""
    bad = report.bad
    if len(parts) != len(BASICS_COLUMNS):
        bad.add(name, line, f"expected 9 tab-separated columns, found {len(parts)}")
        return None
    tconst = parts[0]
    if not _TCONST.fullmatch(tconst):
        bad.add(name, line, f"bad tconst {_show(tconst)}")
        return None
    if parts[4] == b"1":
        report.skipped_adult += 1
        return None
    if parts[4] != b"0":
        bad.add(name, line, f"isAdult must be 0 or 1, not {_show(parts[4])}")
        return None
    if parts[5] == NULL:
        report.skipped_no_year += 1
        return None
    if not _YEAR.fullmatch(parts[5]):
        bad.add(name, line, f"startYear must be a year, not {_show(parts[5])}")
        return None
    year = int(parts[5])
    if not 1870 <= year <= 2100:
        report.skipped_no_year += 1
        return None
    runtime: int | None = None
    if parts[7] != NULL:
        if not parts[7].isdigit():
            bad.add(name, line, f"runtimeMinutes must be a number, not {_show(parts[7])}")
            return None
        runtime = int(parts[7]) if 1 <= int(parts[7]) <= 2000 else None
    try:
        primary = parts[2].decode("utf-8").strip()
        original: str | None = parts[3].decode("utf-8").strip()
    except UnicodeDecodeError:
        bad.add(name, line, "not UTF-8 text")
        return None
    title = primary if _usable(primary) else original or ""
    if not _usable(title):
        report.skipped_title += 1
        return None
    return _Basic(tconst, title, original, year, runtime)


@dataclass
class _Inputs:
    """The open dataset files and what the merge-join needs of them."""

    basics: TsvFile
    order: _Order
    akas: TsvFile | None
    ratings: TsvFile | None
    akas_rows: _Grouped | None
    vote_rows: _Grouped | None

    @classmethod
    def open(
        cls,
        basics: Path,
        akas: Path | None,
        ratings: Path | None,
        bad: BadRows,
        files: list[TsvFile],
    ) -> _Inputs:
        basics_tsv = TsvFile(basics, BASICS_COLUMNS, "title.basics")
        files.append(basics_tsv)
        order = _Order()
        akas_tsv = TsvFile(akas, AKAS_COLUMNS, "title.akas") if akas else None
        ratings_tsv = TsvFile(ratings, RATINGS_COLUMNS, "title.ratings") if ratings else None
        files += [f for f in (akas_tsv, ratings_tsv) if f is not None]
        return cls(
            basics_tsv,
            order,
            akas_tsv,
            ratings_tsv,
            _Grouped(akas_tsv, order, bad) if akas_tsv else None,
            _Grouped(ratings_tsv, order, bad) if ratings_tsv else None,
        )


@dataclass
class _Writer:
    """Turns usable rows into ``imdb.jsonl`` records, skipping films held elsewhere."""

    inputs: _Inputs
    held: Held
    tmdb_keys: set[tuple[str, int]]
    tmdb_ids: set[str]
    report: ImdbReport
    seen: HashSet64 = field(default_factory=HashSet64)

    def record(self, row: _Basic) -> dict[str, Any] | None:
        inputs, report, bad = self.inputs, self.report, self.report.bad
        aka_rows = inputs.akas_rows.take(row.tconst) if inputs.akas_rows is not None else []
        votes_rows = inputs.vote_rows.take(row.tconst) if inputs.vote_rows is not None else []
        imdb_id = row.tconst.decode("ascii")
        title_key = normalize(row.title)
        if self.held.find(Identity(title_key, row.year, imdb_id)) is not None:
            report.skipped_held += 1
            return None
        key = (title_key, row.year)
        if hash(key) in self.seen:
            report.skipped_duplicate += 1
            return None
        self.seen.add(hash(key))
        original = row.original
        if original is not None and (not _usable(original) or normalize(original) == title_key):
            original = None
        record: dict[str, Any] = {
            "id": film_id(row.title, row.year, imdb_id),
            "title": row.title,
            "year": row.year,
        }
        if original is not None:
            record["original_title"] = original
        if inputs.akas is not None and (
            aliases := _aliases(title_key, original, aka_rows, inputs.akas, bad)
        ):
            record["aliases"] = aliases
            report.aliases += len(aliases)
        record["imdb_id"] = imdb_id
        if row.runtime is not None:
            record["runtime_minutes"] = row.runtime
        if inputs.ratings is not None and (
            (popularity := _votes(votes_rows, inputs.ratings, bad)) is not None
        ):
            record["popularity"] = popularity
            report.with_votes += 1
        if key in self.tmdb_keys or imdb_id in self.tmdb_ids:
            report.tmdb_overrides += 1
        return record


def _stream(writer: _Writer, types: set[bytes], out: IO[str], progress: Progress | None) -> None:
    """One pass over ``title.basics``, writing a record per usable film to ``out``."""
    basics, report = writer.inputs.basics, writer.report
    for raw in basics.lines():
        report.rows += 1
        if progress is not None and report.rows % _CHECK_EVERY == 0:
            progress.update(basics.position(), f"{report.rows:,} rows, {report.films:,} films")
        head = raw.split(b"\t", 2)
        if len(head) == 3:
            writer.inputs.order.see(head[0])
            if head[1] not in types:
                report.skipped_type += 1
                continue
        parts = raw.rstrip(b"\r\n").split(b"\t")
        row = _parse_basic(parts, basics.name, basics.line, report)
        if row is None:
            continue
        record = writer.record(row)
        if record is not None:
            out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            report.films += 1


def import_imdb(
    basics: Path,
    akas: Path | None,
    data_dir: Path,
    db_path: Path | None,
    *,
    ratings: Path | None = None,
    tv_movies: bool = False,
    max_bad: int = DEFAULT_MAX_BAD,
    progress: Progress | None = None,
) -> ImdbReport:
    """Import the IMDb files into ``data_dir/local/imdb.jsonl``, then rebuild the catalog
    at ``db_path`` (unless it is None). All or nothing: on any error, nothing changes."""
    started = time.perf_counter()
    report = ImdbReport(bad=BadRows(max_bad))
    held = held_films(data_dir, LAYER_AFTERCREDITS)
    local = data_dir / "local"
    tmdb_keys, tmdb_ids = _tmdb_claims(local / TMDB_FILE)
    dest = local / IMDB_FILE
    files: list[TsvFile] = []
    try:
        with staged(dest) as tmp:
            inputs = _Inputs.open(basics, akas, ratings, report.bad, files)
            writer = _Writer(inputs, held, tmdb_keys, tmdb_ids, report)
            types = {b"movie", b"tvMovie"} if tv_movies else {b"movie"}
            with tmp.open("w", encoding="utf-8", buffering=1 << 20) as out:
                _stream(writer, types, out, progress)
            if progress is not None:
                progress.close(f"{report.rows:,} rows, {report.films:,} films")
            report.stream_seconds = time.perf_counter() - started
            del writer  # the rebuild needs the memory
            if report.films == 0:
                return report
            if db_path is None:
                os.replace(tmp, dest)
            else:
                if progress is not None:
                    progress.say(f"rebuilding the catalog {db_path} ...")
                report.build = install_and_rebuild(tmp, dest, data_dir, db_path)
            report.written = dest
    finally:
        for tsv in files:
            tsv.close()
        report.seconds = time.perf_counter() - started
    return report
