"""The catalog's source files, their merge layers, and the one "is this the same film?" rule.

Files (see ``data/README.md``) belong to layers; when two layers hold one film, the higher
layer's record wins whole:

-1. ``data/local/corrections.jsonl``: viewer reports a maintainer accepted (they correct
   even the curated files);
0. curated files (``data/*.jsonl``);
1. other files in ``data/local`` (``db import``, viewer corrections);
2. ``data/local/aftercredits.jsonl`` (``db import-aftercredits`` of a fresh listing);
3. the bundled listing (``data/listing/*.jsonl``: the films of aftercredits.com's listing
   and TMDB's credit keywords as of the snapshot in ``data/sources/``);
4. ``data/local/tmdb.jsonl`` (``db import-tmdb``: credit facts from TMDB keywords);
5. the bundled known films (``data/known/*.jsonl``: titles, years, runtimes, verdict
   unknown);
6. ``data/local/imdb.jsonl`` (``db import-imdb``: titles only, every verdict unknown).

Two records are the same film (:func:`same_film`) when they share an IMDb or TMDB id, or
when their normalised titles are equal and their years at most :data:`NEAR_YEARS` apart,
unless both carry IMDb ids and those differ. The build, ``db import`` and every bulk
importer use this rule and no other.
"""

from __future__ import annotations

import hashlib
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from bot.errors import DataError
from bot.models import Film
from bot.normalize import normalize
from bot.records import Located, iter_jsonl

LAYER_CORRECTIONS = -1
LAYER_CURATED, LAYER_LOCAL, LAYER_AFTERCREDITS, LAYER_LISTING = 0, 1, 2, 3
LAYER_TMDB, LAYER_KNOWN, LAYER_IMDB = 4, 5, 6
CORRECTIONS_FILE = "corrections.jsonl"
AFTERCREDITS_FILE = "aftercredits.jsonl"
TMDB_FILE = "tmdb.jsonl"
IMDB_FILE = "imdb.jsonl"
LISTING_DIR, KNOWN_DIR, LOCAL_DIR = "listing", "known", "local"
_BULK_LAYERS = {
    CORRECTIONS_FILE: LAYER_CORRECTIONS,
    AFTERCREDITS_FILE: LAYER_AFTERCREDITS,
    TMDB_FILE: LAYER_TMDB,
    IMDB_FILE: LAYER_IMDB,
}

NEAR_YEARS = 2
"""Release years differ between countries and festivals (the seed page dates Children of
Heaven 1999, its Iranian release was 1997): one title this many years apart is one film,
unless IMDb ids say otherwise."""


def source_files(
    data_dir: Path, *, include_local: bool = True, include_known: bool = True
) -> list[Path]:
    """The bundled files (curated, the listing, the known films), then the locally
    imported ones (``data/local``)."""
    files = sorted(data_dir.glob("*.jsonl")) + sorted((data_dir / LISTING_DIR).glob("*.jsonl"))
    if include_known:
        files += sorted((data_dir / KNOWN_DIR).glob("*.jsonl"))
    if include_local:
        files += sorted((data_dir / LOCAL_DIR).glob("*.jsonl"))
    return files


def source_layer(path: Path) -> int:
    """Which facts win when two files hold one film: the lower layer (see the module)."""
    folder = path.parent.name
    if folder == LISTING_DIR:
        return LAYER_LISTING
    if folder == KNOWN_DIR:
        return LAYER_KNOWN
    if folder != LOCAL_DIR:
        return LAYER_CURATED
    return _BULK_LAYERS.get(path.name, LAYER_LOCAL)


def fingerprint(paths: Sequence[Path]) -> str:
    """Changes whenever a source file is added, removed or modified."""
    digest = hashlib.sha256()
    for path in paths:
        st = path.stat()
        digest.update(f"{path.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def film_key(film: Film) -> tuple[str, int]:
    """The catalog key: normalised title and year."""
    return (normalize(film.title), film.year)


def near_years(year: int) -> list[int]:
    """The years one film may carry in different sources, the given one first."""
    return sorted(range(year - NEAR_YEARS, year + NEAR_YEARS + 1), key=lambda y: abs(y - year))


class Identity(NamedTuple):
    """What :func:`same_film` compares: normalised title, year and the external ids."""

    title_key: str
    year: int
    imdb_id: str | None = None
    tmdb_id: int | None = None

    @classmethod
    def of(cls, film: Film) -> Identity:
        return cls(normalize(film.title), film.year, film.imdb_id, film.tmdb_id)


def same_film(a: Identity, b: Identity) -> bool:
    """The one rule: shared IMDb or TMDB id, or one normalised title within
    :data:`NEAR_YEARS` years when the IMDb ids do not say they differ."""
    if a.imdb_id is not None and a.imdb_id == b.imdb_id:
        return True
    if a.tmdb_id is not None and a.tmdb_id == b.tmdb_id:
        return True
    if a.imdb_id is not None and b.imdb_id is not None:
        return False
    return abs(a.year - b.year) <= NEAR_YEARS and a.title_key == b.title_key


class HashSet64:
    """A set of 64-bit hashes in one flat array: 16-32 bytes an entry where a ``set`` of
    ints takes about 90. Open addressing with linear probing, at most half full."""

    __slots__ = ("_count", "_mask", "_table")

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def __contains__(self, value: int) -> bool:
        value = value or 1  # 0 marks an empty slot
        table, mask = self._table, self._mask
        i = value & mask
        while True:
            slot = table[i]
            if slot == value:
                return True
            if slot == 0:
                return False
            i = (i + 1) & mask

    def add(self, value: int) -> None:
        value = value or 1
        table, mask = self._table, self._mask
        i = value & mask
        while True:
            slot = table[i]
            if slot == value:
                return
            if slot == 0:
                break
            i = (i + 1) & mask
        table[i] = value
        self._count += 1
        if self._count * 2 > mask:
            self._resize()

    def update(self, other: HashSet64) -> None:
        for value in other._table:
            if value:
                self.add(value)

    def _resize(self) -> None:
        old = self._table
        size = (self._mask + 1) * 2
        table = self._table = array("q", bytes(8 * size))
        mask = self._mask = size - 1
        for value in old:
            if value:
                i = value & mask
                while table[i]:
                    i = (i + 1) & mask
                table[i] = value


@dataclass(slots=True)
class _Seen:
    """Hashes of the films of some layers, enough to apply :func:`same_film` to a newcomer.

    ``keys`` holds (title, year) of every film, ``loose`` of those without an IMDb id: a
    film with an IMDb id is the same as a near-year namesake only if that one has none.
    """

    keys: HashSet64 = field(default_factory=HashSet64)
    loose: HashSet64 = field(default_factory=HashSet64)
    imdb: HashSet64 = field(default_factory=HashSet64)
    tmdb: HashSet64 = field(default_factory=HashSet64)
    ids: HashSet64 = field(default_factory=HashSet64)

    def add(self, film: Film, title_key: str) -> None:
        kh = hash((title_key, film.year))
        self.keys.add(kh)
        if film.imdb_id is None:
            self.loose.add(kh)
        else:
            self.imdb.add(hash(film.imdb_id))
        if film.tmdb_id is not None:
            self.tmdb.add(hash(("tmdb", film.tmdb_id)))
        self.ids.add(hash(film.id))

    def update(self, other: _Seen) -> None:
        for mine, theirs in (
            (self.keys, other.keys),
            (self.loose, other.loose),
            (self.imdb, other.imdb),
            (self.tmdb, other.tmdb),
            (self.ids, other.ids),
        ):
            mine.update(theirs)

    def holds(self, film: Film, title_key: str) -> bool:
        """Whether a film of these layers is the same film (by :func:`same_film`) or has
        its id."""
        if hash(film.id) in self.ids:
            return True
        if film.imdb_id is not None and hash(film.imdb_id) in self.imdb:
            return True
        if film.tmdb_id is not None and hash(("tmdb", film.tmdb_id)) in self.tmdb:
            return True
        names = self.keys if film.imdb_id is None else self.loose
        return any(hash((title_key, y)) in names for y in near_years(film.year))


def iter_films(paths: Iterable[Path]) -> Iterator[Located]:
    """The films of the given files, streamed, higher layers first.

    A film that a higher layer already holds (:func:`same_film`, or the same id) is
    skipped: curated facts win over imported ones. Two films in one layer with the same id
    or the same (title, year) are an error naming both places.

    Memory stays small for millions of films: only 64-bit hashes of the keys are kept; the
    place of the first holder is looked up again, by reading the files, only when a
    duplicate is found.
    """
    ordered = sorted(enumerate(paths), key=lambda item: (source_layer(item[1]), item[0]))
    above, here = _Seen(), _Seen()
    layer: int | None = None
    layer_files: list[Path] = []
    for _, path in ordered:
        if source_layer(path) != layer:
            above.update(here)
            here, layer, layer_files = _Seen(), source_layer(path), []
        layer_files.append(path)
        for item in iter_jsonl(path):
            film = item.film
            key = film_key(film)
            if above.holds(film, key[0]):
                continue
            if hash(key) in here.keys or hash(film.id) in here.ids:
                clash = _first_holder(layer_files, item, key, above.holds)
                if clash is not None:
                    raise DataError(
                        item.path,
                        item.line,
                        f"duplicate film {film.label} (also at {clash.path}:{clash.line})",
                    )
            here.add(film, key[0])
            yield item


def _first_holder(
    files: Sequence[Path],
    item: Located,
    key: tuple[str, int],
    held_above: Callable[[Film, str], bool],
) -> Located | None:
    """The earlier film of ``item``'s layer with its id or key (None: a hash collision)."""
    for path in files:
        for other in iter_jsonl(path):
            if other.path == item.path and other.line >= item.line:
                return None
            other_key = film_key(other.film)
            if held_above(other.film, other_key[0]):
                continue
            if other_key == key or other.film.id == item.film.id:
                return other
    return None


def load_films(paths: Iterable[Path]) -> list[Located]:
    """All films of the given files (see :func:`iter_films`); for millions, stream them."""
    return list(iter_films(paths))


@dataclass
class Held:
    """Films of the layers above an importer's own, indexed for :meth:`find`."""

    imdb: dict[str, Located] = field(default_factory=dict)
    tmdb: dict[int, Located] = field(default_factory=dict)
    titles: dict[str, list[Located]] = field(default_factory=dict)
    ids: dict[str, Located] = field(default_factory=dict)

    def add(self, item: Located) -> None:
        film = item.film
        self.titles.setdefault(normalize(film.title), []).append(item)
        self.ids.setdefault(film.id, item)
        if film.imdb_id is not None:
            self.imdb.setdefault(film.imdb_id, item)
        if film.tmdb_id is not None:
            self.tmdb.setdefault(film.tmdb_id, item)

    def find(self, film: Identity) -> Located | None:
        """The held film that is ``film`` by :func:`same_film` (the nearest year first)."""
        if film.imdb_id is not None and film.imdb_id in self.imdb:
            return self.imdb[film.imdb_id]
        if film.tmdb_id is not None and film.tmdb_id in self.tmdb:
            return self.tmdb[film.tmdb_id]
        namesakes = self.titles.get(film.title_key, ())
        for other in sorted(namesakes, key=lambda o: abs(o.film.year - film.year)):
            if same_film(film, Identity.of(other.film)):
                return other
        return None


def held_films(data_dir: Path, below_layer: int) -> Held:
    """Index the films of every source file in a layer above ``below_layer``."""
    held = Held()
    files = [p for p in source_files(data_dir) if source_layer(p) < below_layer]
    for item in iter_films(files):
        held.add(item)
    return held
