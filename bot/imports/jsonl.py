"""``credits-bot db import FILE...``: films from JSON Lines files and seed-format pages.

An import is all or nothing: every record of every file is validated first; one bad
record rejects the whole import with its file and line, and nothing is written. Accepted
films are written to ``data/local/`` (one new file per import, written atomically), where
every later rebuild of the catalog finds them. The check against the films already held,
the write and the rebuild run as one data transaction (:mod:`bot.transaction`): two
imports at once take turns, and one killed before its rebuild finished never lands. A
film the catalog's curated or ``db import`` files already hold
(:func:`bot.sources.same_film`) is skipped and reported.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from bot.atomic import replace_text, staged
from bot.errors import DataError
from bot.imports.common import install_and_rebuild
from bot.imports.seed_page import parse_seed_page
from bot.models import Film
from bot.records import Located, film_to_record, iter_jsonl
from bot.sources import LAYER_AFTERCREDITS, Identity, film_key, held_films
from bot.store.build import BuildReport
from bot.transaction import data_transaction


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: list[Film]
    skipped: list[tuple[Film, str]]
    """Films not added, with the reason (e.g. a curated record already holds them)."""
    written: Path | None
    build: BuildReport | None = None
    """The catalog rebuilt with the new films (when a catalog path was given)."""


def read_import_file(path: Path) -> list[Located]:
    """Films of one file to import: ``.jsonl`` records, or a seed-format text page."""
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return list(iter_jsonl(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), None, f"cannot read: {exc}") from None
    return [Located(parse_seed_page(text, str(path)), str(path), 1)]


def import_files(
    paths: Sequence[Path], data_dir: Path, db_path: Path | None = None
) -> ImportReport:
    """Validate every file, then write the new films to ``data_dir/local`` in one file
    and, given ``db_path``, rebuild the catalog: all of it or none (see the module).

    Raises :class:`DataError` (with file and line) before anything is written if any
    record is bad or the files contradict each other.
    """
    items = [item for path in paths for item in read_import_file(path)]
    with data_transaction(data_dir) as tx:
        # Bulk imports (aftercredits, tmdb, imdb) rank below this one: they never block it.
        held = held_films(data_dir, LAYER_AFTERCREDITS)
        added: list[Film] = []
        added_ids: set[str] = set()
        skipped: list[tuple[Film, str]] = []
        seen: dict[tuple[str, int], Located] = {}
        for item in items:
            film = item.film
            key = film_key(film)
            if key in seen or film.id in added_ids:
                other = seen.get(key)
                where = f" (also at {other.path}:{other.line})" if other else ""
                raise DataError(item.path, item.line, f"duplicate film {film.label}{where}")
            seen[key] = item
            clash = held.ids.get(film.id) or held.find(Identity.of(film))
            if clash is not None:
                skipped.append((film, f"already in the catalog from {clash.path}:{clash.line}"))
                continue
            added.append(film)
            added_ids.add(film.id)
        if not added:
            return ImportReport(added, skipped, None)
        name = f"import-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.jsonl"
        dest = data_dir / "local" / name

        def write(handle: TextIO) -> None:
            for film in added:
                handle.write(json.dumps(film_to_record(film), ensure_ascii=False) + "\n")

        if db_path is None:
            replace_text(dest, write)
            return ImportReport(added, skipped, dest)
        with staged(dest) as tmp:
            with tmp.open("w", encoding="utf-8") as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
            build = install_and_rebuild(tmp, dest, data_dir, db_path, tx=tx)
        return ImportReport(added, skipped, dest, build)
