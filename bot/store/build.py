"""Building the catalog: source files -> a SQLite file, atomically and one at a time.

The catalog is written to a temporary file beside its destination and renamed into place
only when complete, so readers never see a half-built catalog and a failure leaves the
previous one untouched. Builds take a lock file beside the catalog (``fcntl.flock``), so
processes that start together build once and the others reuse what it built.

What may be overwritten: only a credits-bot catalog built from the same data folder (it
records the folder in its ``meta`` table). A file that is not a catalog is never
overwritten; a catalog built from other data is served as it is. When a rebuild fails
(a bad data file, a read-only or full disk) the last good catalog keeps being served, with
a warning.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.atomic import staged
from bot.errors import BotError, CatalogError
from bot.models import Film
from bot.normalize import SUBTITLE_SPLIT, compact, initialisms, normalize, without_articles
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
from bot.transaction import recover_if_idle

log = logging.getLogger(__name__)

CATALOG_MODE = 0o644
"""Readable by every user (the service's own user may not be the one who built it)."""


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
    data_dir: Path | None = None,
) -> BuildReport:
    """Write a catalog of ``films`` to ``dest`` atomically (see the module); ``data_dir``
    is recorded as the folder it was built from."""
    started = time.perf_counter()
    with staged(dest) as tmp:
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            conn.execute("PRAGMA cache_size=-50000")
            conn.executescript(SCHEMA)
            film_count, name_count = _insert_films(conn, films)
            name_count += _numbered_main_titles(conn, name_count)
            _unique_ids(conn)
            _index(conn)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema", SCHEMA_VERSION),
                    ("fingerprint", source_fingerprint),
                    ("films", str(film_count)),
                    ("built_at", str(int(time.time()))),
                    ("data_dir", str(data_dir.resolve()) if data_dir is not None else ""),
                ],
            )
            conn.commit()
            conn.execute("ANALYZE")
            conn.commit()
        finally:
            conn.close()
        os.chmod(tmp, CATALOG_MODE)
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


def _numbered_main_titles(conn: sqlite3.Connection, last_nid: int) -> int:
    """Name a sequel by its numbered main title too: "Hotel Transylvania 3: Summer
    Vacation" is typed "hotel transylvania 3", "Mad Max 2: The Road Warrior" "mad max 2".
    Only where the catalog holds the series' first film under the bare main title ("Hotel
    Transylvania") and no film already has that name: "Fantastic 4: Rise of the Silver
    Surfer" does not become "fantastic 4", and "2001: A Space Odyssey" gets nothing (the
    main title must hold a word besides its number). Returns how many names it added."""
    wanted: dict[str, list[tuple[int, str]]] = {}  # compact main title -> (film, name)
    bases: dict[str, set[str]] = {}  # compact bare main title -> compact main titles
    for film, name in conn.execute(f"SELECT film, name FROM names WHERE kind = {KIND_TITLE}"):
        parts = SUBTITLE_SPLIT.split(name, maxsplit=1)
        if len(parts) < 2:
            continue
        words = normalize(parts[0]).split()
        if len(words) < 2 or not words[-1].isdigit() or words[-1] in ("0", "1"):
            continue
        if not any(not w.isdigit() for w in words[:-1]):
            continue
        key = compact(" ".join(words))
        wanted.setdefault(key, []).append((film, parts[0].strip()))
        bare = without_articles(" ".join(words[:-1]))
        bases.setdefault(compact(bare), set()).add(key)
    if not wanted:
        return 0
    taken: set[str] = set()  # main titles some film already has as a name
    founded: set[str] = set()  # main titles whose series' first film is held
    for kind, key, norm in conn.execute("SELECT kind, compact, norm FROM names"):
        if key in wanted:
            taken.add(key)
        if kind == KIND_TITLE:
            founded.update(bases.get(compact(without_articles(norm)), ()))
    rows: list[tuple[int, int, int, str, str, str]] = []
    for key in sorted(founded - taken):
        for film, main in wanted[key]:
            last_nid += 1
            main_norm = normalize(main)
            rows.append((last_nid, film, KIND_ALIAS, main, main_norm, compact(main_norm)))
    conn.executemany("INSERT INTO names VALUES (?,?,?,?,?,?)", rows)
    return len(rows)


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


@dataclass(frozen=True, slots=True)
class CatalogInfo:
    """What is at a catalog path: nothing, something else, or a catalog and its meta."""

    exists: bool
    meta: dict[str, str] | None
    """None when the file is not a credits-bot catalog (or there is no file)."""

    @property
    def is_catalog(self) -> bool:
        return self.meta is not None

    @property
    def servable(self) -> bool:
        """A catalog this version can serve."""
        return self.meta is not None and self.meta.get("schema") == SCHEMA_VERSION

    def built_from(self, data_dir: Path) -> bool:
        """Whether it was built from ``data_dir`` (so a rebuild from there may replace it).

        Catalogs of earlier versions recorded no folder: one with a source fingerprint was
        built from source files and is taken as ours; one without (a benchmark's) is not.
        """
        if self.meta is None:
            return False
        recorded = self.meta.get("data_dir")
        if recorded:
            return recorded == str(data_dir.resolve())
        return bool(self.meta.get("fingerprint"))

    def fresh(self, want: str) -> bool:
        return self.servable and self.meta is not None and self.meta.get("fingerprint") == want


def inspect_catalog(db_path: Path) -> CatalogInfo:
    """Look at ``db_path`` without changing it."""
    if not db_path.exists():
        return CatalogInfo(False, None)
    if not db_path.is_file():
        return CatalogInfo(True, None)
    try:
        conn = sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("SELECT key, value FROM meta").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return CatalogInfo(True, None)
    meta = {str(k): str(v) for k, v in rows}
    return CatalogInfo(True, meta if "schema" in meta else None)


def read_fingerprint(db_path: Path) -> str | None:
    """The source fingerprint a catalog was built from, or None if unreadable."""
    info = inspect_catalog(db_path)
    if not info.servable or info.meta is None:
        return None
    return info.meta.get("fingerprint")


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.name}.lock")


@contextlib.contextmanager
def catalog_lock(db_path: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold the build lock of ``db_path`` (a lock file beside it) while inside.

    Yields False, without waiting, when ``wait`` is false and another process holds it.
    The lock goes with the process: a build killed with -9 leaves no lock held.
    """
    db_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, CATALOG_MODE)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def stale_temps(db_path: Path) -> list[Path]:
    """Temporary files of builds that did not finish (a kill -9 leaves them behind)."""
    return sorted(db_path.parent.glob(f".{db_path.name}.*.tmp"))


def _remove_stale_temps(db_path: Path) -> None:
    """Remove the temporary files of killed builds; call only with the build lock held."""
    for tmp in stale_temps(db_path):
        with contextlib.suppress(OSError):
            tmp.unlink()
            log.info("removed %s, left by a build that did not finish", tmp.name)


def _refuse_foreign(db_path: Path, info: CatalogInfo) -> None:
    if info.exists and not info.is_catalog:
        raise CatalogError(
            f"{db_path} is not a credits-bot catalog: refusing to overwrite it "
            "(choose another --db or CREDITS_DB, or move that file away)"
        )


def _build_unlocked(data_dir: Path, dest: Path) -> BuildReport:
    _refuse_foreign(dest, inspect_catalog(dest))
    _remove_stale_temps(dest)
    files = source_files(data_dir)
    return build_catalog(
        (item.film for item in iter_films(files)),
        dest,
        source_fingerprint=fingerprint(files),
        data_dir=data_dir,
    )


def build_from_sources(data_dir: Path, dest: Path, *, locked: bool = False) -> BuildReport:
    """Build the catalog from every source file, validating each film as it streams by.

    A bad record aborts the build (with its file and line) and leaves the previous catalog
    in place. Films are streamed, not held, so millions of imported ones fit in memory.
    Takes the build lock unless the caller holds it (``locked``). Never overwrites a file
    that is not a credits-bot catalog.
    """
    if locked:
        return _build_unlocked(data_dir, dest)
    with catalog_lock(dest):
        return _build_unlocked(data_dir, dest)


def ensure_catalog(data_dir: Path, db_path: Path) -> Path:
    """A catalog to serve: built if missing, rebuilt if older than its source files.

    - A file that is not a credits-bot catalog is refused, never overwritten.
    - A catalog built from another data folder (or a benchmark's) is served as it is.
    - One build at a time: the others wait for the lock and reuse the fresh catalog.
    - A failed rebuild keeps the last good catalog, with a warning.
    """
    if data_dir.is_dir():
        try:
            recover_if_idle(data_dir)  # an import killed mid-way never lands later
        except (BotError, OSError) as exc:
            log.warning("could not roll back an unfinished import in %s: %s", data_dir, exc)
    files = source_files(data_dir) if data_dir.is_dir() else []
    info = inspect_catalog(db_path)
    _refuse_foreign(db_path, info)
    if not files or (info.is_catalog and not info.built_from(data_dir)):
        if info.servable:
            if files:
                log.info("serving %s as it is: it was not built from %s", db_path, data_dir)
            return db_path
        if info.is_catalog:
            raise CatalogError(
                f"{db_path} was built by another version of credits-bot from other data: "
                f"rebuild it with 'credits-bot db build --db {db_path}'"
            )
        raise CatalogError(f"no catalog at {db_path} and no data files in {data_dir}")
    if stale_temps(db_path):
        with contextlib.suppress(OSError), catalog_lock(db_path, wait=False) as held:
            if held:
                _remove_stale_temps(db_path)
    if info.fresh(fingerprint(files)):
        return db_path
    try:
        with catalog_lock(db_path):
            now = inspect_catalog(db_path)
            if now.fresh(fingerprint(source_files(data_dir))):
                log.info("using the catalog another process has just built")
                return db_path
            report = _build_unlocked(data_dir, db_path)
    except (BotError, OSError, sqlite3.Error) as exc:
        last = inspect_catalog(db_path)
        if not last.servable:
            raise
        log.warning(
            "could not rebuild the catalog %s (%s): serving the last good one", db_path, exc
        )
        return db_path
    log.info("built catalog %s: %d films in %.2fs", db_path, report.films, report.seconds)
    return db_path
