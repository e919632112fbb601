"""``credits-bot db import-aftercredits MAP``: aftercredits.com's listing as credit facts.

The map is Kometa-Team/AfterCredits' ``aftercredits.yml`` (MIT), regenerated daily from
aftercredits.com's "stingers" category: one line per film, keyed by IMDb id::

    tt0848228: {rating: 0, votes: 0, tags: [Bonus Scene, Both During & After Credits]}

- Tags become the verdict (``During Credits``, ``After Credits``, ``Both During & After
  Credits``) and the kinds of extra (:data:`TAG_KINDS`); tags about the site's post (polls,
  activity kits, ...) are ignored. A listed film has *something* in the credits; a film
  missing from the map proves nothing, so nothing here ever becomes ``none``.
- ``votes`` and ``rating`` (net votes) become a "worth staying" figure when at least
  :data:`MIN_VOTES` people voted (``--votes`` reads them from another copy of the map,
  e.g. an older one whose votes were filled).
- Films are matched by IMDb id. A film held by a curated or ``db import`` file is never
  changed: the import reports whether the listing agrees with it, contradicts it, or
  fills an ``unknown`` a curator should look at. A film of a lower layer (the bundled
  listing, TMDB's keywords, known films, IMDb's titles) is **upgraded**: its record, with
  the listing's facts, goes to ``data/local/aftercredits.jsonl``, which outranks them. With
  ``--titles FILE`` (JSON Lines, gzip allowed: ``imdb_id``, ``title``, ``year``, optionally
  ``runtime_minutes`` and ``directors``), a listed film the catalog lacks is **added**;
  without it, it is reported as unmatched.
- All or nothing: a malformed line aborts the import with its file and line, before
  anything is written; the new file replaces the old one only when the rebuilt catalog is
  in place.
"""

from __future__ import annotations

import gzip
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from bot.atomic import staged
from bot.errors import DataError
from bot.imports.common import install_and_rebuild
from bot.models import Film, Position, Verdict
from bot.normalize import normalize
from bot.records import film_from_record, film_to_record, iter_jsonl, slugify
from bot.sources import (
    AFTERCREDITS_FILE,
    LAYER_AFTERCREDITS,
    Identity,
    held_films,
    source_files,
    source_layer,
)
from bot.store.build import BuildReport

MIN_VOTES = 5
"""Votes needed before the "worth staying" figure is shown."""
SOURCE = "aftercredits.com stinger listing (Kometa-Team/AfterCredits map)"
SHOWN = 20

POSITION_TAGS = {
    "During Credits": {Position.DURING},
    "After Credits": {Position.AFTER},
    "Both During & After Credits": {Position.DURING, Position.AFTER},
}
TAG_KINDS = {
    "Bonus Scene": "bonus",
    "Sequel Setup": "sequel-setup",
    "Blooper": "bloopers",
    "Outtake": "bloopers",
    "Audio": "audio-only",
    "Dedications/In Memoriam": "dedication",
    "Still Images": "stills",
    "Stills": "stills",
    "Musical": "musical",
    "Informative": "text-card",
    "Fourth Wall": "gag",
    "Humorous Credit": "joke-credits",
    "Behind the Scenes": "behind-the-scenes",
}
"""Tags that name a kind of extra. ``Sequel Setup`` without ``Bonus Scene`` is a title card
("James Bond will return"), not a scene."""
IGNORED_TAGS = frozenset(
    {
        "3D/4D/IMAX Quality Poll",
        "Activity Kit",
        "Mega Post",
        "Television",
        "Coming Soon",
        "Trailers",
        "Posters",
        "Synopses",
        "Contest",
        "Unknown",
        "Sunset Credit",
        "Credits Clip",
        "",
    }
)
"""Tags about the site's post or too vague to say what is on screen."""

_LINE = re.compile(
    r"^(?P<id>tt\d{5,10}):\s*\{\s*rating:\s*(?P<rating>-?\d+)\s*,\s*votes:\s*(?P<votes>\d+)"
    r"\s*,\s*tags:\s*\[(?P<tags>[^\]]*)\]\s*\}\s*$"
)


@dataclass(frozen=True, slots=True)
class Listing:
    """One film of the map."""

    imdb_id: str
    positions: frozenset[Position]
    kinds: tuple[str, ...]
    rating: int
    votes: int
    line: int

    @property
    def verdict(self) -> Verdict:
        """The listing names films with something during or after the credits: without a
        position tag, that something is all it says (``some``)."""
        if self.positions == {Position.DURING, Position.AFTER}:
            return Verdict.BOTH
        if self.positions == {Position.DURING}:
            return Verdict.DURING
        if self.positions == {Position.AFTER}:
            return Verdict.AFTER
        return Verdict.SOME


def _tags(raw: str) -> list[str]:
    return [t.strip().strip("\"'").strip() for t in raw.split(",")] if raw.strip() else []


def parse_line(text: str, path: str, lineno: int) -> Listing | None:
    """One line of the map: a listing, None for a blank or comment line; a malformed
    line raises :class:`DataError` with its file and line."""
    line = text.strip()
    if not line or line.startswith("#") or line == "---":
        return None
    m = _LINE.match(line)
    if m is None:
        raise DataError(path, lineno, "expected 'ttNNNNNNN: {rating: N, votes: N, tags: [...]}'")
    tags = _tags(m.group("tags"))
    positions: set[Position] = set()
    kinds: list[str] = []
    for tag in tags:
        if tag in POSITION_TAGS:
            positions |= POSITION_TAGS[tag]
        elif tag in TAG_KINDS:
            kinds.append(TAG_KINDS[tag])
        elif tag not in IGNORED_TAGS:
            raise DataError(path, lineno, f"unknown tag {tag!r}")
    if "sequel-setup" in kinds and "bonus" not in kinds:
        kinds = ["title-card" if k == "sequel-setup" else k for k in kinds]
    votes = int(m.group("votes"))
    rating = int(m.group("rating"))
    if abs(rating) > votes:
        raise DataError(path, lineno, f"rating {rating} is more than the {votes} votes")
    return Listing(
        m.group("id"), frozenset(positions), tuple(dict.fromkeys(kinds)), rating, votes, lineno
    )


def _open_text(path: Path) -> IO[str]:
    try:
        if path.suffix == ".gz":
            return gzip.open(path, "rt", encoding="utf-8")
        return path.open(encoding="utf-8")
    except OSError as exc:
        raise DataError(str(path), None, f"cannot read: {exc.strerror or exc}") from None


def read_map(path: Path) -> dict[str, Listing]:
    """Every listing of a map file, by IMDb id (the first bad line aborts)."""
    listings: dict[str, Listing] = {}
    with _open_text(path) as handle:
        lineno = 0
        try:
            for lineno, text in enumerate(handle, start=1):
                item = parse_line(text, str(path), lineno)
                if item is None:
                    continue
                if item.imdb_id in listings:
                    first = listings[item.imdb_id].line
                    raise DataError(
                        str(path), lineno, f"{item.imdb_id} is listed twice (also line {first})"
                    )
                listings[item.imdb_id] = item
        except (UnicodeDecodeError, EOFError, OSError) as exc:
            raise DataError(str(path), lineno + 1, f"unreadable: {exc}") from None
    return listings


def worth_staying(listing: Listing) -> dict[str, int] | None:
    """``{"yes": N, "votes": M}`` when enough people voted."""
    if listing.votes < MIN_VOTES:
        return None
    yes = min(max((listing.votes + listing.rating) // 2, 0), listing.votes)
    return {"yes": yes, "votes": listing.votes}


def credits_record(listing: Listing, source: str, votes: Listing | None = None) -> dict[str, Any]:
    """The ``credits`` object of a listing (verdict ``some`` when it gives no position)."""
    record: dict[str, Any] = {"verdict": listing.verdict.value}
    if listing.kinds:
        record["extras"] = list(listing.kinds)
    worth = worth_staying(votes or listing)
    if worth is not None:
        record["worth_staying"] = worth
    record["source"] = source
    return record


@dataclass
class AftercreditsReport:
    listed: int = 0
    added: int = 0
    upgraded: int = 0
    """Films of a lower layer that had no verdict."""
    refreshed: int = 0
    """Films that had a verdict already (a previous import, the bundled listing, TMDB)."""
    unchanged: int = 0
    agrees: int = 0
    contradictions: list[str] = field(default_factory=list)
    curated_unknown: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    no_position: list[str] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    with_votes: int = 0
    written: Path | None = None
    build: BuildReport | None = None


def _agrees(film: Film, listing: Listing) -> bool:
    """Whether a recorded verdict allows what the listing says is there."""
    allowed = film.credits.verdict.allowed_positions
    return bool(listing.positions <= allowed) and (
        bool(listing.positions) or film.credits.verdict is not Verdict.NONE
    )


def _titles(path: Path, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """Title facts of the wanted IMDb ids from a JSON Lines file (gzip allowed)."""
    found: dict[str, dict[str, Any]] = {}
    with _open_text(path) as handle:
        for lineno, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DataError(str(path), lineno, f"invalid JSON: {exc.msg}") from None
            imdb_id = row.get("imdb_id") if isinstance(row, dict) else None
            if imdb_id in wanted and imdb_id not in found:
                found[imdb_id] = row
    return found


def _base_films(data_dir: Path, wanted: set[str]) -> dict[str, tuple[int, Film]]:
    """The records the listed films start from, by IMDb id, with their layer: this
    import's previous file first, then the layers below it, the highest first."""
    found: dict[str, tuple[int, Film]] = {}
    files = [p for p in source_files(data_dir) if source_layer(p) >= LAYER_AFTERCREDITS]
    for path in sorted(files, key=source_layer):
        for item in iter_jsonl(path):
            imdb_id = item.film.imdb_id
            if imdb_id in wanted and imdb_id not in found:
                found[imdb_id] = (source_layer(path), item.film)
    return found


def _new_record(facts: dict[str, Any], taken: set[str]) -> dict[str, Any] | None:
    title, year = facts.get("title"), facts.get("year")
    if not isinstance(title, str) or not isinstance(year, int):
        return None
    title = " ".join(title.split())
    film_id = slugify(title, year)
    if film_id in taken:
        film_id = f"{film_id[: 63 - len(facts['imdb_id']) - 1]}-{facts['imdb_id']}"
    record: dict[str, Any] = {"id": film_id, "title": title, "year": year}
    record["imdb_id"] = facts["imdb_id"]
    for key in ("tmdb_id", "runtime_minutes", "directors"):
        if facts.get(key):
            record[key] = facts[key]
    return record


def _identity(record: dict[str, Any]) -> Identity:
    return Identity(normalize(record["title"]), record["year"], record.get("imdb_id"))


@dataclass
class _Merge:
    data_dir: Path
    source: str
    votes: dict[str, Listing]
    report: AftercreditsReport
    records: list[dict[str, Any]] = field(default_factory=list)

    def run(self, listings: dict[str, Listing], titles: Path | None) -> None:
        held = held_films(self.data_dir, LAYER_AFTERCREDITS)
        wanted = set(listings)
        lower = _base_films(self.data_dir, wanted - set(held.imdb))
        missing = wanted - set(held.imdb) - set(lower)
        facts = _titles(titles, missing) if titles is not None and missing else {}
        taken = set(held.ids)
        for imdb_id, listing in listings.items():
            holder = held.imdb.get(imdb_id)
            if holder is not None:
                self._check_held(holder.film, listing)
                continue
            credits = credits_record(listing, self.source, self.votes.get(imdb_id))
            if not listing.positions:
                self.report.no_position.append(imdb_id)
            record: dict[str, Any] | None = None
            if imdb_id in lower:
                record = self._from_base(*lower[imdb_id], credits["verdict"])
            elif imdb_id in facts:
                record = _new_record(facts[imdb_id], taken)
                title_holder = None if record is None else held.find(_identity(record))
                if title_holder is not None:  # held without an IMDb id: same title and year
                    self._check_held(title_holder.film, listing)
                    continue
                self.report.added += record is not None
            if record is None:
                self.report.unmatched.append(imdb_id)
                continue
            record["credits"] = credits
            film = film_from_record(record, "aftercredits", listing.line)
            if film.id in taken:
                self.report.unmatched.append(imdb_id)
                continue
            taken.add(film.id)
            if "worth_staying" in credits:
                self.report.with_votes += 1
            self.records.append(film_to_record(film))

    def _from_base(self, _layer: int, base: Film, verdict: str) -> dict[str, Any]:
        before = base.credits.verdict
        if not before.recorded:
            self.report.upgraded += 1
        elif before.value != verdict:
            self.report.refreshed += 1
            self.report.changed.append((base.label, before.value, verdict))
        else:
            self.report.refreshed += 1
            self.report.unchanged += 1
        return film_to_record(base)

    def _check_held(self, film: Film, listing: Listing) -> None:
        note = f"{film.label} ({listing.imdb_id}): recorded {film.credits.verdict}, listed "
        note += "/".join(sorted(p.value for p in listing.positions)) or "without a position"
        if listing.kinds:
            note += f" ({', '.join(listing.kinds)})"
        if film.credits.verdict is Verdict.UNKNOWN:
            self.report.curated_unknown.append(note)
        elif _agrees(film, listing):
            self.report.agrees += 1
        else:
            self.report.contradictions.append(note)


def import_aftercredits(
    map_path: Path,
    data_dir: Path,
    db_path: Path | None,
    *,
    votes: Path | None = None,
    titles: Path | None = None,
    as_of: str | None = None,
) -> AftercreditsReport:
    """Import the map into ``data_dir/local/aftercredits.jsonl`` and rebuild the catalog at
    ``db_path`` (unless it is None). All or nothing."""
    listings = read_map(map_path)
    vote_map = read_map(votes) if votes is not None else {}
    date = as_of or datetime.now(UTC).strftime("%Y-%m-%d")
    report = AftercreditsReport(listed=len(listings))
    merge = _Merge(data_dir, f"{SOURCE}, {date}", vote_map, report)
    merge.run(listings, titles)
    dest = data_dir / "local" / AFTERCREDITS_FILE
    merge.records.sort(key=lambda r: (r["year"], r["title"], r["id"]))
    if not merge.records:
        return report
    with staged(dest) as tmp:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in merge.records:
                handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if db_path is None:
            os.replace(tmp, dest)
        else:
            report.build = install_and_rebuild(tmp, dest, data_dir, db_path)
    report.written = dest
    return report


def listed_ids(map_path: Path) -> Iterator[tuple[str, Listing]]:
    """The map's listings in file order (for checks that hold data against it)."""
    yield from read_map(map_path).items()
