"""What both bulk importers need: atomic files, the films that outrank them, a progress bar."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from bot.catalog import Located, film_key, iter_films, source_files, source_layer
from bot.store import BuildReport, build_from_sources

NEAR_YEARS = 1
"""A film whose normalised title a higher layer holds within this many years is that film,
unless both have IMDb ids and they differ (release years differ between countries)."""


def temp_beside(dest: Path) -> Path:
    """A new empty temporary file in ``dest``'s directory, hidden from ``*.jsonl`` globs."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    return Path(name)


def write_json_atomic(path: Path, value: Any) -> None:
    """Replace ``path`` with ``value`` as JSON: readers see the old file or the new one."""
    tmp = temp_beside(path)
    try:
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(value, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def install_and_rebuild(tmp: Path, dest: Path, data_dir: Path, db_path: Path) -> BuildReport:
    """Move a finished data file into place and rebuild the catalog, or change nothing.

    The previous ``dest`` is kept aside until the rebuild has succeeded; if the build
    fails (or is interrupted) it is put back, so the data files and the catalog always
    agree and neither is ever half written.
    """
    backup: Path | None = None
    if dest.exists():
        backup = dest.with_name(f".{dest.name}.previous")
        os.replace(dest, backup)
    try:
        os.replace(tmp, dest)
        report = build_from_sources(data_dir, db_path)
    except BaseException:
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, dest)
            else:
                dest.unlink()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            backup.unlink()
    return report


@dataclass
class Held:
    """Films of the layers above an importer's own (curated and ``db import`` files)."""

    keys: dict[tuple[str, int], Located] = field(default_factory=dict)
    imdb: dict[str, Located] = field(default_factory=dict)
    titles: dict[str, list[Located]] = field(default_factory=dict)
    tmdb: dict[int, Located] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)

    def find(
        self, title_key: str, year: int, imdb_id: str | None, tmdb_id: int | None = None
    ) -> Located | None:
        """The film that holds this one: same IMDb or TMDB id, same (title, year), or same
        title within :data:`NEAR_YEARS` years when the IMDb ids do not say otherwise."""
        if imdb_id is not None and imdb_id in self.imdb:
            return self.imdb[imdb_id]
        if tmdb_id is not None and tmdb_id in self.tmdb:
            return self.tmdb[tmdb_id]
        exact = self.keys.get((title_key, year))
        if exact is not None:
            return exact
        for other in self.titles.get(title_key, ()):
            near = abs(other.film.year - year) <= NEAR_YEARS
            if near and (other.film.imdb_id is None or imdb_id is None):
                return other
        return None


def held_films(data_dir: Path, below_layer: int) -> Held:
    """Index the films of every source file in a layer above ``below_layer``."""
    held = Held()
    files = [p for p in source_files(data_dir) if source_layer(p) < below_layer]
    for item in iter_films(files):
        key = film_key(item.film)
        held.keys.setdefault(key, item)
        held.titles.setdefault(key[0], []).append(item)
        held.ids.add(item.film.id)
        if item.film.imdb_id is not None:
            held.imdb.setdefault(item.film.imdb_id, item)
        if item.film.tmdb_id is not None:
            held.tmdb.setdefault(item.film.tmdb_id, item)
    return held


class Progress:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    WIDTH = 30

    def __init__(
        self, label: str, *, enabled: bool, stream: TextIO | None = None, every: float = 0.25
    ) -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = 0

    def update(self, fraction: float, note: str = "", *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = round(fraction * self.WIDTH)
        elapsed = int(now - self.started)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{fraction * 100:5.1f}%  {note}  {elapsed // 60}:{elapsed % 60:02d}"
        )
        self.stream.write("\r" + line.ljust(self._drawn))
        self.stream.flush()
        self._drawn = len(line)

    def say(self, message: str) -> None:
        """A line of its own (e.g. the next phase), when the bar is shown."""
        if self.enabled:
            self.stream.write(f"{self.label}: {message}\n")
            self.stream.flush()

    def close(self, note: str = "") -> None:
        if self.enabled:
            self.update(1.0, note, force=True)
            self.stream.write("\n")
            self.stream.flush()
