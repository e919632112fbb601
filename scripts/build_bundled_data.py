"""Build the bundled catalog layers from the shared film facts (a maintainer's tool).

Not run by the tests or at start-up: its outputs are committed text files in ``data/``.
Run it again when the snapshot, the checks or the written texts change::

    python scripts/build_bundled_data.py --shared ../shared/data [--texts TEXTS_DIR]

Everything it needs besides the shared facts is in the repository: the committed outputs
are themselves a source of the texts and identified titles they hold, so a run without
``--texts`` reproduces them (``git diff`` stays empty) and a run with new inputs only adds.

Inputs:

- ``SHARED/aftercredits.yml`` (+ ``aftercredits-2026-08-09-votes.yml``): the Kometa
  AfterCredits map (MIT), read with :mod:`bot.imports.aftercredits`, the same code as
  ``credits-bot db import-aftercredits``;
- ``SHARED/facts.jsonl.gz``: facts only (ids, runtime, directors, writers, box office,
  ratings, TMDB stinger keywords), each with the dataset it came from;
- ``TEXTS_DIR/recaps-*.jsonl`` and ``TEXTS_DIR/synopses-*.jsonl``: synopses, recaps and
  aliases written for this project (in our own words); those the committed files already
  hold are kept either way;
- ``data/checks/*.jsonl`` (committed; and ``TEXTS_DIR/press-checked.jsonl``,
  ``TEXTS_DIR/verify-none-*.jsonl``): what an accepted listing or press page says about a
  film's credits, one finding a line (title, year, IMDb id where known, outlet, URL,
  finding, kinds; for a film the facts file lacks, the directors and runtime a page gave,
  with that page); ``aftercredits-posts-*.jsonl`` among them is written by
  ``scripts/match_listing_posts.py`` (aftercredits.com's own category per film);
- ``data/checks/identified/*.jsonl`` (and ``TEXTS_DIR/ids-identified.jsonl``): titles and
  years of listed IMDb ids the facts file lacks, each matched in public film tables (the
  evidence named per line), added to the ones ``data/listing/aftercredits.jsonl`` holds;
- ``data/checks/tmdb/*.jsonl`` (committed): TMDB's stinger keywords for 2000-2025 films,
  copied from public tables of TMDB films (:data:`TMDB_TABLES`);
- ``data/checks/ratings/*.jsonl`` (committed): scores from public snapshots of a ratings
  site, for films the facts file has none for (:data:`RATINGS_TABLES`);
- ``TEXTS_DIR/releases.jsonl``: recent wide releases, each fact with the page behind it.

Outputs (all validated by the record parser before they are written):

- the curated ``data/*.jsonl`` files, updated in place: a curated ``none`` or ``unknown``
  that the listing contradicts takes the listing's facts (see :data:`KEEP` for the
  exceptions, each with its reason); missing facts are filled from the facts file with
  their source; recaps and synopses are added where a film has none;
- ``data/listing/aftercredits.jsonl``: every identifiable film of the listing that no
  curated file holds; ``data/listing/tmdb-keywords.jsonl``: the films TMDB's keywords
  (the facts file's, then the tables') tag that neither holds;
- ``data/listing/press-checked.jsonl``: films no other file records whose credits an
  accepted listing or press page settles (the checks above);
- ``data/widely-seen.jsonl``: films with a written recap that are in neither (their credits
  not yet recorded);
- ``data/known/films.jsonl``: the openly licensed known films (Wikipedia- and TMDB-derived
  titles), title, year and runtime, verdict unknown.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.credit_sources import acceptable, accepted_names, rejected_names  # noqa: E402
from bot.errors import DataError  # noqa: E402
from bot.imports.aftercredits import credits_record, import_aftercredits, read_map  # noqa: E402
from bot.models import SCENE_KINDS  # noqa: E402
from bot.normalize import normalize  # noqa: E402
from bot.records import RATING_RANGES, film_from_record, film_to_record, slugify  # noqa: E402

DATA = ROOT / "data"
CHECKS = DATA / "checks"
"""Committed findings of accepted listings and press pages (inputs, not catalog files)."""
SNAPSHOT_DATE = "2026-08-22"
LISTING_SOURCE = f"aftercredits.com stinger listing (Kometa-Team/AfterCredits map), {SNAPSHOT_DATE}"
TMDB_SOURCE = "TMDB keywords (duringcreditsstinger / aftercreditsstinger), via The Movies Dataset"
TMDB_TABLES = {
    "film_keyword_networks.jsonl": ("2025", "supergeniodelmale/film_keyword_networks"),
    "tmdb-movie-dataset-v11.jsonl": ("2024", "the TMDB movie dataset v11"),
}
"""``data/checks/tmdb/``: TMDB's stinger keywords copied row by row from public tables of
TMDB films (see ``data/README.md``): for each file, when TMDB's data was taken and the
table it was copied from, which the rows' sources name."""
RATINGS_TABLES = {
    "rotten-tomatoes-2024-08.jsonl": (
        "Rotten Tomatoes, as listed about 2024-08-19 (maenard/rotten-tomatoes-scrapper)"
    ),
}
"""``data/checks/ratings/``: scores copied row by row from public snapshots of a ratings
site, for films the facts file (ratings up to 2020) has none for; the source per file."""
TMDB_TABLE_MIN_VOTES = 50
"""Fewer TMDB votes than this: too little seen for its keywords to be checked by anyone."""
FEATURE_MINUTES = 40
"""Shorter than this is a short or a TV episode, not a film people ask about here."""
SCENE_POSITIONS = {"during": {"during"}, "after": {"after"}, "both": {"during", "after"}}
"""Where a verdict that places its scenes puts them (``none``, ``some`` and ``unknown``
place none)."""
OPEN_TITLE_SOURCES = {"prust-wikipedia", "tmdb5000", "md-metadata-clean"}
"""Datasets whose titles may be shipped in bulk (Wikipedia lists, TMDB-derived sets)."""
IDENTIFIED_SOURCE = (
    "title and year of the listed IMDb id, matched in public film tables on GitHub "
    "(two agreeing where found)"
)
CORRECTED_SOURCE = "title and year as released, corrected by hand (data/checks/identified/)"
OPEN_FIELD_SOURCES = {"tmdb5000", "tmdb5000-clean", "md-metadata-clean", "vega", "prust-wikipedia"}
TMDB_HOLDERS = ("md-metadata-clean", "tmdb5000-clean", "tmdb5000")
"""The TMDB-derived datasets: a facts row with a TMDB id and a field from one of them is a
film that dataset holds, whatever dataset the join took its title from."""

KEEP: dict[str, str] = {}
"""Curated verdicts kept against the listing, by IMDb id, with the reason (none so far:
every contradicted curated ``none`` was re-examined and the listing's facts taken)."""

DATASET_NAMES = {
    "grijalva": "IMDb figures (Kaggle 'movies.csv', 1980-2020)",
    "mojo": "Box Office Mojo (Kaggle)",
    "movie_db": "Box Office Mojo x Metacritic (Kaggle)",
    "tmdb5000": "TMDB 5000 (Kaggle)",
    "tmdb5000-clean": "TMDB 5000 (Kaggle)",
    "vega": "vega-datasets movies",
    "imdb-via-ml": "IMDb (via MovieLens links)",
    "imdb-top1000": "IMDb top 1000 (Kaggle)",
    "imdb-1000-2006": "IMDb 1000 2006-2016 (Kaggle)",
    "imdb5000": "IMDB 5000 (Kaggle)",
    "md-metadata-clean": "The Movies Dataset (Kaggle)",
    "metacritic": "Metacritic (Kaggle scrape)",
    "rt-leone-gwc": "Rotten Tomatoes (Kaggle, S. Leone)",
    "rt-2019": "Rotten Tomatoes (Kaggle, 2019)",
    "fandango-538": "FiveThirtyEight fandango data",
    "ratings-16-17": "ratings 2016-17 (Kaggle)",
    "prust-wikipedia": "Wikipedia lists of American films",
    "ml-latest-2023": "MovieLens",
    "ml-25m": "MovieLens",
}
LANGUAGES = {
    "en": "English", "fr": "French", "hi": "Hindi", "ru": "Russian", "es": "Spanish",
    "zh": "Mandarin", "cn": "Cantonese", "ja": "Japanese", "de": "German", "it": "Italian",
    "ko": "Korean", "ta": "Tamil", "da": "Danish", "pt": "Portuguese", "sv": "Swedish",
    "ml": "Malayalam", "nl": "Dutch", "te": "Telugu", "he": "Hebrew", "pl": "Polish",
    "ro": "Romanian", "fa": "Persian", "tr": "Turkish", "no": "Norwegian", "nb": "Norwegian",
    "sr": "Serbian", "th": "Thai", "fi": "Finnish", "hu": "Hungarian", "ar": "Arabic",
    "id": "Indonesian", "cs": "Czech", "kn": "Kannada", "ur": "Urdu", "el": "Greek",
    "vi": "Vietnamese", "is": "Icelandic", "ca": "Catalan", "mr": "Marathi", "pa": "Punjabi",
}  # fmt: skip


def box_office(usd: float) -> str:
    """As the seed page shows it: ``$382K``, ``$15.2M``, ``$2.799B``."""
    if usd >= 1e9:
        return f"${usd / 1e9:.3f}B"
    if usd >= 1e6:
        return f"${usd / 1e6:.1f}M"
    return f"${max(usd / 1e3, 1):.0f}K"


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    for _, record in read_numbered(path):
        yield record


def read_numbered(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) for each line; a line that is not a JSON object stops the
    run with its file and line."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:  # type: ignore[operator]
        for n, line in enumerate(handle, 1):
            line = line.strip()
            if not line or line.startswith("//"):
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(str(path), n, f"not JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise DataError(str(path), n, "not a JSON object")
            yield n, record


def write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as handle:
        for r in records:
            film = film_from_record(r, str(path), n + 1)  # validate before writing
            handle.write(json.dumps(film_to_record(film), ensure_ascii=False) + "\n")
            n += 1
    return n


class Facts:
    """The facts file, indexed by IMDb id and by (normalised title, year); with the ratings
    snapshots of :data:`RATINGS_TABLES` for films it has no ratings for."""

    def __init__(self, path: Path, snapshots: RatingsTable | None = None) -> None:
        self.snapshots = snapshots
        self.rows = list(read_jsonl(path))
        self.by_imdb = {r["imdb_id"]: r for r in self.rows if r.get("imdb_id")}
        self.by_key: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for r in self.rows:
            if r.get("title") and r.get("year"):
                self.by_key[(normalize(r["title"]), r["year"])].append(r)

    def find(self, title: str, year: int, imdb_id: str | None = None) -> dict[str, Any] | None:
        if imdb_id and imdb_id in self.by_imdb:
            return self.by_imdb[imdb_id]
        key = normalize(title)
        for y in (year, year - 1, year + 1):
            rows = self.by_key.get((key, y), [])
            rows = sorted(rows, key=lambda r: (r.get("imdb_id") is None, -len(r["sources"])))
            if rows:
                return rows[0]
        return None

    def unkeyed(self, title: str, year: int) -> dict[str, Any] | None:
        """The facts row of this title and year that carries no IMDb id (a ratings or box
        office table joined by title and year), when exactly one does: the facts of a
        film whose own IMDb id the facts file lacks. A row with another id is another film."""
        key = normalize(title)
        rows = [r for r in self.by_key.get((key, year), []) if not r.get("imdb_id")]
        return rows[0] if len(rows) == 1 else None


def fill_facts(record: dict[str, Any], facts: dict[str, Any] | None) -> None:
    """Fill the record's missing facts from a facts row, naming each one's source."""
    if facts is None:
        return
    src = facts.get("sources", {})
    sources: dict[str, str] = dict(record.get("sources") or {})

    def named(field: str) -> str:
        return DATASET_NAMES.get(src.get(field, ""), src.get(field, "film datasets"))

    for field in ("imdb_id", "tmdb_id", "runtime_minutes"):
        if record.get(field) is None and facts.get(field):
            record[field] = facts[field]
            if field == "runtime_minutes":
                sources[field] = named(field)
    for field in ("directors", "writers"):
        if not record.get(field) and facts.get(field):
            record[field] = facts[field]
            sources[field] = named(field)
    if not record.get("box_office") and facts.get("box_office_usd"):
        record["box_office"] = box_office(float(facts["box_office_usd"]))
        sources["box_office"] = named("box_office_usd") + " (worldwide)"
    lang = LANGUAGES.get(facts.get("original_language") or "")
    if not record.get("languages") and lang:
        record["languages"] = [lang]
        sources["languages"] = named("original_language") + " (original language)"
    ratings = dict(record.get("ratings") or {})
    for key, value in (facts.get("ratings") or {}).items():
        if ratings.get(key) is None and value is not None:
            if key == "metacritic_user" and not 0 <= value <= 10:
                continue
            ratings[key] = value
            sources[f"ratings.{key}"] = named(f"ratings.{key}")
    if ratings:
        record["ratings"] = ratings
    if sources:
        record["sources"] = sources


class RatingsTable:
    """The rows of :data:`RATINGS_TABLES`, by (normalised title, year)."""

    def __init__(self, folder: Path) -> None:
        self.by_key: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
        for name, source in RATINGS_TABLES.items():
            path = folder / name
            for n, r in read_numbered(path) if path.is_file() else ():
                if not isinstance(r.get("title"), str) or not isinstance(r.get("year"), int):
                    raise DataError(str(path), n, "a ratings row needs a title and a year")
                scores = {k: r[k] for k in RATING_RANGES if r.get(k) is not None}
                if not scores:
                    raise DataError(str(path), n, "a ratings row needs at least one score")
                for k, v in scores.items():
                    low, high = RATING_RANGES[k]
                    if (
                        isinstance(v, bool)
                        or not isinstance(v, int | float)
                        or not low <= v <= high
                    ):
                        raise DataError(str(path), n, f"{k!r} is a number from {low} to {high}")
                row = {"ratings": scores, "sources": {f"ratings.{k}": source for k in scores}}
                self.by_key[(normalize(r["title"]), r["year"])].append(row)

    def find(self, names: set[str], year: int) -> dict[str, Any] | None:
        rows = {
            id(r): r for n in names for d in (0, -1, 1) for r in self.by_key.get((n, year + d), [])
        }
        return next(iter(rows.values())) if len(rows) == 1 else None


def fill_ratings_by_name(record: dict[str, Any], facts: Facts) -> None:
    """A film still without ratings takes them (and box office, if it has none) from the one
    facts row under its title or an alias, within a year, that names no other IMDb id: a
    ratings table joined by title, where the film's own row (by IMDb id) has none. Two
    such rows (a remake, a namesake) settle nothing. Failing that, from the one row of
    :data:`RATINGS_TABLES` under its title or an alias, within a year."""
    if record.get("ratings"):
        return
    names = {normalize(record["title"]), *(normalize(a) for a in record.get("aliases") or [])}
    rows = {
        id(f): f
        for n in names
        for d in (0, -1, 1)
        for f in facts.by_key.get((n, record["year"] + d), [])
        if f.get("ratings") and f.get("imdb_id") in (None, record.get("imdb_id"))
    }
    if len(rows) == 1:
        (row,) = rows.values()
        fill_facts(
            record, {k: row[k] for k in ("ratings", "box_office_usd", "sources") if k in row}
        )
    elif facts.snapshots is not None:
        fill_facts(record, facts.snapshots.find(names, record["year"]))


TEXT_FIELDS = ("synopsis", "recap", "original_title", "aliases")


class Texts:
    """Synopses, recaps and aliases written for this project, matched to films."""

    def __init__(self, folder: Path | None) -> None:
        self.by_imdb: dict[str, dict[str, Any]] = {}
        self.by_key: dict[tuple[str, int], dict[str, Any]] = {}
        self.recaps: list[dict[str, Any]] = []
        self.used: set[int] = set()
        if folder is None:
            return
        synopsis_files = sorted(folder.glob("synopses-*.reviewed.jsonl")) or sorted(
            folder.glob("synopses-*.jsonl")
        )
        for path in synopsis_files:
            for r in read_jsonl(path):
                self.by_imdb[r["imdb_id"]] = r
        for path in sorted(folder.glob("recaps-*.jsonl")):
            for r in read_jsonl(path):
                key = (normalize(r["title"]), r["year"])
                if key not in self.by_key:
                    self.by_key[key] = r
                    self.recaps.append(r)

    def keep_committed(self, paths: Iterable[Path]) -> None:
        """Take the texts the committed output files hold, where the folder has none for
        that film: a run without the written texts at hand loses nothing."""
        for path in paths:
            for r in read_jsonl(path):
                text = {k: r[k] for k in TEXT_FIELDS if r.get(k)}
                sourced = r.get("sources") or {}
                for k in ("languages", "directors", "runtime_minutes"):
                    if r.get(k) and k not in sourced:  # written with the texts, not looked up
                        text[k] = r[k]
                if not text:
                    continue
                text.update(title=r["title"], year=r["year"])
                if r.get("imdb_id"):
                    text["imdb_id"] = r["imdb_id"]
                key = (normalize(r["title"]), r["year"])
                if r.get("recap"):
                    if key not in self.by_key:
                        self.by_key[key] = text
                        self.recaps.append(text)
                    held = self.by_imdb.get(r.get("imdb_id") or "")
                    if r.get("imdb_id") and (held is None or not held.get("recap")):
                        self.by_imdb[r["imdb_id"]] = text  # the same film under another title
                elif r.get("imdb_id") and r["imdb_id"] not in self.by_imdb:
                    self.by_imdb[r["imdb_id"]] = text
                elif not r.get("imdb_id") and key not in self.by_key:
                    self.by_key[key] = text

    def find(self, title: str, year: int, imdb_id: str | None) -> dict[str, Any] | None:
        key = normalize(title)
        for y in (year, year - 1, year + 1):
            hit = self.by_key.get((key, y))
            if hit is not None:
                self.used.add(id(hit))
                return hit
        return self.by_imdb.get(imdb_id or "")


def add_texts(record: dict[str, Any], text: dict[str, Any] | None) -> None:
    if text is None:
        return
    for field in ("synopsis", "recap", "original_title"):
        if not record.get(field) and text.get(field):
            record[field] = text[field]
    if not record.get("languages") and text.get("languages"):
        record["languages"] = text["languages"]
    if not record.get("directors") and text.get("directors"):
        record["directors"] = text["directors"]
    if not record.get("runtime_minutes") and text.get("runtime_minutes"):
        record["runtime_minutes"] = text["runtime_minutes"]
    have = {normalize(a) for a in [record["title"], *(record.get("aliases") or [])]}
    if record.get("original_title"):
        have.add(normalize(record["original_title"]))
    aliases = list(record.get("aliases") or [])
    for alias in text.get("aliases") or []:
        if isinstance(alias, str) and normalize(alias) and normalize(alias) not in have:
            have.add(normalize(alias))
            aliases.append(alias)
    if aliases:
        record["aliases"] = aliases


def fix_curated(
    record: dict[str, Any], listings: dict[str, Any], votes: dict[str, Any], log: list[str]
) -> None:
    """A curated ``none`` or ``unknown`` that the listing contradicts takes its facts."""
    imdb_id = record.get("imdb_id")
    if imdb_id not in listings or imdb_id in KEEP:
        return
    credits = record.get("credits") or {}
    verdict = credits.get("verdict", "unknown")
    if verdict not in ("none", "unknown"):
        return
    listing = listings[imdb_id]
    new = credits_record(listing, LISTING_SOURCE, votes.get(imdb_id))
    label = f"{record['title']} ({record['year']})"
    record["credits"] = new
    log.append(f"{label}: {verdict} -> {new['verdict']} {new.get('extras', [])}")


def _strip_rejected(source: str) -> str | None:
    """The source without the unacceptable outlets it names (None if none is left)."""
    head, sep, inner = source.partition("(")
    if sep and inner.endswith(")"):
        items = [x.strip() for x in inner[:-1].split(",")]
        kept = [x for x in items if not rejected_names(x)]
        source = f"{head.rstrip()} ({', '.join(kept)})" if kept else head.rstrip()
    return source if acceptable(source) else None


def vet_source(
    record: dict[str, Any],
    listings: dict[str, Any],
    votes: dict[str, Any],
    facts: Facts,
    checked: dict[str, dict[str, Any]],
    checks: dict[str, dict[str, Any]],
    tmdb: TmdbTable,
    log: list[str],
) -> None:
    """A recorded verdict keeps a source from :mod:`bot.credit_sources`' allow-list, or is
    re-based on the listing / TMDB's keywords / a checked press page, or becomes unknown.
    ``checked``: the older "none" checks by film id; ``checks``: :func:`read_checks`."""
    credits = record.get("credits") or {}
    verdict = credits.get("verdict", "unknown")
    source = credits.get("source") or ""
    check = checked.get(record["id"])
    press = find_check(checks, record)
    if verdict == "unknown" and press is not None and record.get("imdb_id") not in listings:
        record["credits"] = _check_credits(press)
        label = f"{record['title']} ({record['year']})"
        log.append(f"{label}: {press['finding']} per {press['outlet']}")
        return
    found = tmdb_verdict(record, facts, tmdb)
    if verdict == "unknown" and found is not None and record.get("imdb_id") not in listings:
        record["credits"] = {"verdict": found[0], "source": found[1]}
        log.append(f"{record['title']} ({record['year']}): unknown -> {found[0]} per TMDB")
        return
    if verdict == "unknown" and check and check.get("finding") == "none":
        # A curated "none" that an earlier run turned back into unknown, since confirmed.
        candidate = f"{check.get('outlet', '')} ({check.get('url', '')})"
        if acceptable(candidate) and record.get("imdb_id") not in listings:
            record["credits"] = {"verdict": "none", "source": candidate}
            log.append(f"{record['title']} ({record['year']}): none confirmed again")
        return
    if verdict == "unknown" or acceptable(source):
        return
    label = f"{record['title']} ({record['year']})"
    imdb_id = record.get("imdb_id")
    if accepted_names(source) and (kept := _strip_rejected(source)) is not None:
        credits["source"] = kept
        log.append(f"{label}: source trimmed to {kept!r}")
        return
    if imdb_id in listings and verdict != "none":
        new = credits_record(listings[imdb_id], LISTING_SOURCE, votes.get(imdb_id))
        positions = {s["position"] for s in credits.get("scenes") or []}
        keep = positions and positions <= SCENE_POSITIONS.get(new["verdict"], set())
        if keep and (new["verdict"] != "both" or positions == {"during", "after"}):
            new["scenes"] = credits["scenes"]
        record["credits"] = new
        log.append(f"{label}: {verdict} re-based on the listing -> {new['verdict']}")
        return
    mine = SCENE_POSITIONS.get(verdict)
    if mine is not None and found is not None and SCENE_POSITIONS[found[0]] <= mine:
        credits["source"] = found[1]
        log.append(f"{label}: {verdict} re-based on TMDB keywords")
        return
    if verdict == "none" and check and check.get("finding") == "none":
        candidate = _check_source(check)
        if acceptable(candidate):
            credits["source"] = candidate
            log.append(f"{label}: none confirmed by {check.get('outlet', '')}")
            return
    record.pop("credits", None)
    log.append(f"{label}: {verdict} -> unknown (no acceptable source)")


def write_releases(path: Path, identified: list[dict[str, Any]], log: list[str]) -> None:
    """``data/releases.jsonl``: recent wide releases the other files lack, each fact with
    the page that confirmed it; one whose title and year an identified listed IMDb id has
    takes that id (and so, in :func:`fix_curated`, the listing's facts)."""
    ids = {(normalize(r["title"]), r["year"]): r["imdb_id"] for r in identified}
    have: set[tuple[str, int]] = set()
    for p in [*curated_files(), *sorted((DATA / "listing").glob("*.jsonl"))]:
        if p.name == "releases.jsonl":
            continue
        for r in read_jsonl(p):
            have.update((normalize(r["title"]), r["year"] + d) for d in (-1, 0, 1))
    out = []
    for r in read_jsonl(path):
        if (normalize(r["title"]), r["year"]) in have:
            continue
        record: dict[str, Any] = {
            "id": slugify(r["title"], r["year"]),
            "title": r["title"],
            "year": r["year"],
        }
        imdb_id = next(
            (ids[k] for d in (0, -1, 1) if (k := (normalize(r["title"]), r["year"] + d)) in ids),
            None,
        )
        if imdb_id:
            record["imdb_id"] = imdb_id
        for key in ("aliases", "runtime_minutes", "languages", "directors", "synopsis"):
            if r.get(key):
                record[key] = r[key]
        if r.get("facts_source"):
            record["sources"] = {
                k: r["facts_source"]
                for k in ("year", "runtime_minutes", "directors")
                if k in record
            }
        credits = r.get("credits")
        if credits and acceptable(credits.get("source")):
            record["credits"] = {"verdict": credits["verdict"], "source": credits["source"]}
        have.add((normalize(r["title"]), r["year"]))
        out.append(record)
    n = write_jsonl(DATA / "releases.jsonl", out)
    log.append(f"data/releases.jsonl: {n} films")


FINDINGS = ("none", "during", "after", "both", "some")


def is_short(minutes: int | None) -> bool:
    """A known runtime under :data:`FEATURE_MINUTES`."""
    return minutes is not None and 0 < minutes < FEATURE_MINUTES


def verdict_of(during: bool, after: bool) -> str | None:
    """The verdict two stinger flags make (None when neither is set)."""
    if during and after:
        return "both"
    return "during" if during else ("after" if after else None)


class TmdbTable:
    """The rows of :data:`TMDB_TABLES`, by IMDb id where a row has one and by (normalised
    title, year). Two rows for one film that disagree are left out (two films, or one
    wrong); so are rows under the vote floor and what is not a feature film."""

    def __init__(self, folder: Path) -> None:
        self.rows: list[dict[str, Any]] = []
        self.by_imdb: dict[str, dict[str, Any]] = {}
        self.by_key: dict[tuple[str, int], dict[str, Any]] = {}
        disputed: set[Any] = set()
        for name, (as_of, dataset) in TMDB_TABLES.items():
            path = folder / name
            for n, r in read_numbered(path) if path.is_file() else ():
                row = self._checked(r, path, n)
                if row is None:
                    continue
                row["dataset"] = dataset
                row["source"] = (
                    "TMDB keywords (duringcreditsstinger / aftercreditsstinger), "
                    f"as of {as_of}, via {dataset}"
                )
                flags = (row["during"], row["after"])
                for index, key in (
                    (self.by_imdb, row.get("imdb_id")),
                    (self.by_key, (normalize(row["title"]), row["year"])),
                ):
                    if key is None:
                        continue
                    held = index.get(key)
                    if held is not None and (held["during"], held["after"]) != flags:
                        disputed.add(key)
                    index.setdefault(key, row)
        for key in disputed:
            self.by_imdb.pop(key, None)
            self.by_key.pop(key, None)
        unique = {id(r): r for r in [*self.by_imdb.values(), *self.by_key.values()]}
        self.rows = sorted(unique.values(), key=lambda r: (r["year"], r["title"]))

    @staticmethod
    def _checked(r: dict[str, Any], path: Path, n: int) -> dict[str, Any] | None:
        title, year = r.get("title"), r.get("year")
        if not isinstance(title, str) or not title.strip() or not isinstance(year, int):
            raise DataError(str(path), n, "a TMDB row needs a title and a year")
        flags = (r.get("during"), r.get("after"))
        if not all(isinstance(f, bool) for f in flags) or not any(flags):
            raise DataError(
                str(path), n, "'during' and 'after' are true or false, one of them true"
            )
        for field in ("tmdb_votes", "revenue_usd", "runtime_minutes", "tmdb_id"):
            value = r.get(field)
            if value is not None and (not isinstance(value, int) or value < 0):
                raise DataError(str(path), n, f"{field!r} is a whole number, not negative")
        if r.get("imdb_id") is not None and not str(r["imdb_id"]).startswith("tt"):
            raise DataError(str(path), n, "'imdb_id' is an IMDb title id (tt...)")
        if (r.get("tmdb_votes") or 0) < TMDB_TABLE_MIN_VOTES:
            return None
        if is_short(r.get("runtime_minutes")):
            return None
        return dict(r, title=" ".join(title.split()))

    def find(self, title: str, year: int, imdb_id: str | None = None) -> dict[str, Any] | None:
        """The row of this film: by IMDb id, else by title within a year either way (the
        table's year is TMDB's release date; a film's own is often its festival year)."""
        if imdb_id and imdb_id in self.by_imdb:
            return self.by_imdb[imdb_id]
        key = normalize(title)
        hits = [r for d in (0, -1, 1) if (r := self.by_key.get((key, year + d))) is not None]
        hits = [r for r in hits if not (imdb_id and r.get("imdb_id") not in (None, imdb_id))]
        return hits[0] if len(hits) == 1 else None


def tmdb_verdict(record: dict[str, Any], facts: Facts, table: TmdbTable) -> tuple[str, str] | None:
    """What TMDB's keywords say of a film whose credits nobody else recorded: the facts
    file's keywords (to 2017) first, then :data:`TMDB_TABLES`. (verdict, source) or None."""
    row = facts.find(record["title"], record["year"], record.get("imdb_id"))
    stinger = (row or {}).get("stinger") or {}
    verdict = verdict_of(bool(stinger.get("during")), bool(stinger.get("after")))
    if verdict is not None:
        return verdict, TMDB_SOURCE
    hit = table.find(record["title"], record["year"], record.get("imdb_id"))
    if hit is not None and (verdict := verdict_of(hit["during"], hit["after"])) is not None:
        return verdict, hit["source"]
    return None


def read_checks(folder: Path | None) -> dict[str, dict[str, Any]]:
    """Definite findings of accepted listings and press pages (``data/checks/*.jsonl``,
    then the texts folder's ``press-checked.jsonl``), by IMDb id, or by ``title (year)``
    for a film without one. A line with an unaccepted outlet or no clear finding is left
    out; two lines for one film that disagree leave it out (neither is recorded)."""
    paths = sorted(CHECKS.glob("*.jsonl"))
    if folder is not None and (folder / "press-checked.jsonl").is_file():
        paths.append(folder / "press-checked.jsonl")
    found: dict[str, dict[str, Any]] = {}
    disputed: set[str] = set()
    for path in paths:
        for n, r in read_numbered(path):
            if not r.get("title") or not isinstance(r.get("year"), int):
                raise DataError(str(path), n, "a check needs a title and a year")
            if r.get("finding") not in FINDINGS or not acceptable(_check_source(r)):
                continue
            key = r.get("imdb_id") or check_key(r["title"], r["year"])
            if key in found and found[key]["finding"] != r["finding"]:
                disputed.add(key)
            found.setdefault(key, r)
    return {k: r for k, r in found.items() if k not in disputed}


def open_title(row: dict[str, Any]) -> bool:
    """The facts row's title and year come from a dataset whose titles may be shipped."""
    src = row.get("sources", {})
    return src.get("title") in OPEN_TITLE_SOURCES and src.get("year") in OPEN_TITLE_SOURCES


def tmdb_holder(row: dict[str, Any]) -> str | None:
    """The open TMDB-derived dataset that holds this film (see :data:`TMDB_HOLDERS`)."""
    if not row.get("tmdb_id"):
        return None
    used = set(row.get("sources", {}).values())
    return next((name for name in TMDB_HOLDERS if name in used), None)


def check_key(title: str, year: int) -> str:
    """How a check without an IMDb id is filed."""
    return f"{normalize(title)}|{year}"


def find_check(checks: dict[str, dict[str, Any]], record: dict[str, Any]) -> dict[str, Any] | None:
    """The check for a record: by IMDb id, else by title within a year."""
    if record.get("imdb_id") and record["imdb_id"] in checks:
        return checks[record["imdb_id"]]
    for d in (0, -1, 1):
        check = checks.get(check_key(record["title"], record["year"] + d))
        if check is not None and not (
            record.get("imdb_id") and check.get("imdb_id") not in (None, record["imdb_id"])
        ):
            return check
    return None


def _check_source(check: dict[str, Any]) -> str:
    outlet, url = check.get("outlet") or "", check.get("url") or ""
    return f"{outlet} ({url})" if url else outlet


def _check_credits(check: dict[str, Any]) -> dict[str, Any]:
    credits: dict[str, Any] = {"verdict": check["finding"], "source": _check_source(check)}
    kinds = [k for k in check.get("kinds") or [] if k in SCENE_KINDS]
    if kinds and check["finding"] != "none":
        credits["extras"] = kinds
    return credits


def _facts_from_check(record: dict[str, Any], check: dict[str, Any]) -> None:
    """A film the facts file lacks: the IMDb id, directors and runtime the check gives,
    each named after the page that stated it."""
    if check.get("imdb_id"):
        record["imdb_id"] = check["imdb_id"]
    page = check.get("facts_url")
    if not page:
        return
    sources = {}
    for field in ("directors", "runtime_minutes"):
        if check.get(field):
            record[field] = check[field]
            sources[field] = page
    if sources:
        record["sources"] = sources


def write_press_checked(
    checks: dict[str, dict[str, Any]],
    facts: Facts,
    texts: Texts,
    listings: dict[str, Any],
    log: list[str],
) -> set[tuple[str, int]]:
    """``data/listing/press-checked.jsonl``: the checked films no curated file holds
    (those take the finding there, in :func:`vet_source`) and the listing does not list
    (it is the stronger source). Returns the (normalised title, year) it wrote."""
    held_imdb: set[str] = set()
    held_keys: set[tuple[str, int]] = set()
    others = [DATA / "listing" / "aftercredits.jsonl", DATA / "listing" / "tmdb-keywords.jsonl"]
    for path in [*curated_files(), *others]:
        if path.name == "widely-seen.jsonl" or not path.is_file():
            continue
        for r in read_jsonl(path):
            held_imdb.add(r.get("imdb_id") or "")
            held_keys.update((normalize(r["title"]), r["year"] + d) for d in (-1, 0, 1))
    out = []
    for check in sorted(checks.values(), key=lambda c: (c["year"], c["title"])):
        imdb_id = check.get("imdb_id")
        # A check without an IMDb id is a film the facts file lacks (the gatherer looked).
        row = facts.by_imdb.get(imdb_id) if imdb_id else None
        title, year = (row["title"], row["year"]) if row else (check["title"], check["year"])
        title = " ".join(str(title).split())
        text = texts.find(title, year, imdb_id)
        if text is not None and normalize(text["title"]) == normalize(title):
            title = text["title"]  # as our texts spell it ("Breaking Dawn – Part 2")
        keys = {(normalize(title), year), (normalize(check["title"]), check["year"])}
        if imdb_id in held_imdb or imdb_id in listings or keys & held_keys:
            continue
        r: dict[str, Any] = {"id": slugify(title, year), "title": title, "year": year}
        if row is None:
            _facts_from_check(r, check)
        elif imdb_id:
            r["imdb_id"] = imdb_id
        fill_facts(r, row or facts.unkeyed(title, year))
        add_texts(r, text)
        add_texts(r, {k: check[k] for k in ("synopsis",) if check.get(k)})
        fill_ratings_by_name(r, facts)
        r["credits"] = _check_credits(check)
        held_keys.update((normalize(title), year + d) for d in (-1, 0, 1))
        held_imdb.add(imdb_id or "")
        out.append(r)
    out.sort(key=lambda r: (r["year"], r["title"]))
    n = write_jsonl(DATA / "listing" / "press-checked.jsonl", out)
    log.append(f"data/listing/press-checked.jsonl: {n} films")
    return {(normalize(r["title"]), r["year"]) for r in out}


def identified_titles(folder: Path | None, facts: Facts) -> list[dict[str, Any]]:
    """Title rows for listed IMDb ids the facts file lacks: the ones the committed listing
    file already holds, then ``data/checks/identified/*.jsonl`` and the texts folder's
    ``ids-identified.jsonl``. A row whose title and year the facts file gives to another
    IMDb id is left out (one of the two ids would be wrong), and so is anything but a film."""
    rows: dict[str, dict[str, Any]] = {}
    committed = DATA / "listing" / "aftercredits.jsonl"
    for r in read_jsonl(committed) if committed.is_file() else ():
        if (r.get("sources") or {}).get("year") == IDENTIFIED_SOURCE:
            rows[r["imdb_id"]] = {
                k: r[k] for k in ("imdb_id", "title", "year", "directors") if r.get(k)
            }
    paths = sorted((CHECKS / "identified").glob("*.jsonl"))
    if folder is not None and (folder / "ids-identified.jsonl").is_file():
        paths.append(folder / "ids-identified.jsonl")
    for path in paths:
        for n, r in read_numbered(path):
            if not str(r.get("imdb_id", "")).startswith("tt"):
                raise DataError(str(path), n, "an identified title needs its 'imdb_id'")
            if r.get("kind") != "film" or not isinstance(r.get("year"), int) or not r.get("title"):
                continue
            if r.get("corrects"):  # the facts file has this id under a wrong title or year
                rows[r["imdb_id"]] = {
                    k: r[k] for k in ("imdb_id", "title", "year", "aliases", "corrects") if k in r
                }
                continue
            clash = [
                f
                for d in (-1, 0, 1)
                for f in facts.by_key.get((normalize(r["title"]), r["year"] + d), [])
                if f.get("imdb_id") and f["imdb_id"] != r["imdb_id"]
            ]
            if clash or r["imdb_id"] in facts.by_imdb or r["imdb_id"] in rows:
                continue
            row = {"imdb_id": r["imdb_id"], "title": r["title"], "year": r["year"]}
            if r.get("directors"):
                row["directors"] = r["directors"]
            rows[r["imdb_id"]] = row
    return list(rows.values())


def _identified(identified: list[dict[str, Any]], record: dict[str, Any]) -> str | None:
    """The identified listed id whose title is this record's, within a year (only one)."""
    names = {normalize(record["title"]), *(normalize(a) for a in record.get("aliases") or [])}
    ids = {
        r["imdb_id"]
        for r in identified
        if normalize(r["title"]) in names and abs(r["year"] - record["year"]) <= 1
    }
    return ids.pop() if len(ids) == 1 else None


def held_names(more: Iterable[dict[str, Any]]) -> set[tuple[str, int]]:
    """Every title and alias the written catalog files and ``more`` hold, each year within
    one (the TMDB keyword file, being rewritten, only through ``more``)."""
    names: set[tuple[str, int]] = set()
    records: list[Iterable[dict[str, Any]]] = [more]
    for path in [*curated_files(), *sorted((DATA / "listing").glob("*.jsonl"))]:
        if path.name not in ("widely-seen.jsonl", "tmdb-keywords.jsonl"):
            records.append(read_jsonl(path))
    for rows in records:
        for r in rows:
            for name in [r["title"], *(r.get("aliases") or [])]:
                names.update((normalize(name), r["year"] + d) for d in (-1, 0, 1))
    return names


def by_year(names: Iterable[tuple[str, int]]) -> dict[int, set[str]]:
    """(normalised title, year) pairs as the titles of each year."""
    out: dict[int, set[str]] = defaultdict(set)
    for name, year in names:
        out[year].add(name)
    return out


def _held_within(title: str, year: int, held: dict[int, set[str]]) -> str | None:
    """A held title of that year that this one contains or is contained in, as a whole
    run of words ("The Pirate Fairy", "Tinker Bell and the Pirate Fairy"): maybe the same
    film under a longer or shorter name, which only an IMDb id could settle."""
    mine = f" {normalize(title)} "
    for name in held.get(year, ()):
        other = f" {name} "
        if len(name) >= 4 and (other in mine or mine in other):
            return name
    return None


def _named_within(title: str, year: int, names: dict[int, set[str]]) -> str | None:
    """Another film (of the facts file, or held), two years either way, whose title is this one's
    with a word or two added or taken away ("The Toxic Avenger" of 2023, released in 2025
    as "The Toxic Avenger Unrated"): without an IMDb id, nothing tells the two apart."""
    mine = f" {normalize(title)} "
    for y in range(year - 2, year + 3):
        for name in names.get(y, ()):
            other = f" {name} "
            short, long = sorted((mine, other), key=len)
            if short == long or short not in long:
                continue
            words, more = len(short.split()), len(long.split())
            if words >= 2 and words >= 0.6 * more:  # a word or two added, not a new title
                return f"{name} ({y})"
    return None


def tmdb_table_films(
    tmdb: TmdbTable,
    facts: Facts,
    texts: Texts,
    held_ids: set[str],
    taken_ids: set[str],
    written: list[dict[str, Any]],
    log: list[str],
) -> list[dict[str, Any]]:
    """Films of :data:`TMDB_TABLES` that no other file holds, each with the facts file's
    facts where one row is plainly the same film (same IMDb id, or the only film of that
    title within a year), else with the table's own."""
    held = held_names(written)
    held_titles = by_year(held)
    facts_names = by_year([*facts.by_key, *held])

    def is_held(imdb_id: str | None, title: str, year: int) -> bool:
        return imdb_id in held_ids or any((normalize(title), year + d) in held for d in (0, -1, 1))

    out = []
    for t in tmdb.rows:
        title, year = t["title"], t["year"]
        if is_held(t.get("imdb_id"), title, year):  # before the log lines below
            continue
        row = facts.by_imdb.get(t.get("imdb_id") or "")
        if row is None and not t.get("imdb_id"):
            near = [
                f for d in (0, -1, 1) for f in facts.by_key.get((normalize(title), year + d), [])
            ]
            if len({f.get("imdb_id") for f in near if f.get("imdb_id")}) > 1:
                log.append(f"TMDB table: {title} ({year}) left out: two films of that title")
                continue
            row = near[0] if near else None
        imdb_id = t.get("imdb_id") or (row or {}).get("imdb_id")
        if is_short((row or {}).get("runtime_minutes")):
            continue
        if not imdb_id and (other := _held_within(title, year, held_titles)) is not None:
            log.append(f"TMDB table: {title} ({year}) left out: may be {other!r}, held")
            continue
        if not imdb_id and (other := _named_within(title, year, facts_names)) is not None:
            log.append(f"TMDB table: {title} ({year}) left out: may be {other!r}")
            continue
        if row is not None and row.get("year"):
            year = row["year"]  # IMDb's year, as the other files have it
        if is_held(imdb_id, title, year):  # by the facts file's id and year
            continue
        fid = slugify(title, year)
        if fid in taken_ids:
            continue
        r: dict[str, Any] = {"id": fid, "title": title, "year": year}
        if imdb_id:
            r["imdb_id"] = imdb_id
        if t.get("tmdb_id"):
            r["tmdb_id"] = t["tmdb_id"]
        fill_facts(r, row)
        sources: dict[str, str] = dict(r.get("sources") or {})
        if r.get("runtime_minutes") is None and t.get("runtime_minutes"):
            r["runtime_minutes"] = t["runtime_minutes"]
            sources["runtime_minutes"] = f"{t['dataset']} (TMDB)"
        if not r.get("box_office") and t.get("revenue_usd"):
            r["box_office"] = box_office(float(t["revenue_usd"]))
            sources["box_office"] = f"{t['dataset']} (TMDB, worldwide)"
        if sources:
            r["sources"] = sources
        add_texts(r, texts.find(title, year, imdb_id))
        fill_ratings_by_name(r, facts)
        verdict = verdict_of(t["during"], t["after"])
        assert verdict is not None  # TmdbTable keeps only rows with a keyword
        r["credits"] = {"verdict": verdict, "source": t["source"]}
        taken_ids.add(fid)
        held_ids.add(imdb_id or "")
        for d in (-1, 0, 1):
            held.add((normalize(title), year + d))
            held_titles.setdefault(year + d, set()).add(normalize(title))
        out.append(r)
    log.append(f"TMDB table: {len(out)} films no other file holds")
    return out


def curated_files() -> list[Path]:
    return sorted(DATA.glob("*.jsonl"))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, required=True)
    p.add_argument("--texts", type=Path, help="folder of written texts and checks (optional)")
    args = p.parse_args()
    shared: Path = args.shared
    folder: Path | None = args.texts
    facts = Facts(shared / "facts.jsonl.gz", RatingsTable(CHECKS / "ratings"))
    texts = Texts(folder)
    texts.keep_committed([*curated_files(), *sorted((DATA / "listing").glob("*.jsonl"))])
    listings = read_map(shared / "aftercredits.yml")
    votes = read_map(shared / "aftercredits-2026-08-09-votes.yml")
    log: list[str] = []
    checked = {
        r["id"]: r
        for path in (sorted(folder.glob("verify-none-*.jsonl")) if folder else [])
        for r in read_jsonl(path)
    }
    checks = read_checks(folder)
    tmdb = TmdbTable(CHECKS / "tmdb")

    # 0. Recent wide releases checked against press pages (written for this project).
    identified = identified_titles(folder, facts)
    if folder is not None and (folder / "releases.jsonl").is_file():
        write_releases(folder / "releases.jsonl", identified, log)
    press_keys = write_press_checked(checks, facts, texts, listings, log)

    # 1. Curated files: contradictions re-examined, facts filled, texts added.
    curated_keys: set[tuple[str, int]] = set()
    curated_imdb: set[str] = set()
    for path in curated_files():
        if path.name == "widely-seen.jsonl":
            continue
        records = list(read_jsonl(path))
        for r in records:
            if not r.get("imdb_id") and (found := _identified(identified, r)) is not None:
                r["imdb_id"] = found  # a listed id matched to this film: its facts apply
                log.append(f"{r['title']} ({r['year']}): IMDb id {found} (identified listing id)")
            fix_curated(r, listings, votes, log)
            vet_source(r, listings, votes, facts, checked, checks, tmdb, log)
            fill_facts(r, facts.find(r["title"], r["year"], r.get("imdb_id")))
            add_texts(r, texts.find(r["title"], r["year"], r.get("imdb_id")))
            fill_ratings_by_name(r, facts)
            curated_keys.add((normalize(r["title"]), r["year"]))
            if r.get("imdb_id"):
                curated_imdb.add(r["imdb_id"])
        write_jsonl(path, records)

    # 2. The listing: the importer's own merge against the curated files.
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "data"
        work.mkdir()
        for path in curated_files():
            if path.name != "widely-seen.jsonl":
                shutil.copy(path, work)
        titles = Path(tmp) / "titles.jsonl"
        with titles.open("w", encoding="utf-8") as handle:
            for r in [*identified, *facts.rows]:  # the first row of an id is the one used
                if r.get("imdb_id") in listings:
                    handle.write(json.dumps(r, ensure_ascii=False) + "\n")
        identified_ids = {r["imdb_id"] for r in identified if not r.get("corrects")}
        corrected = {r["imdb_id"]: r for r in identified if r.get("corrects")}
        report = import_aftercredits(
            shared / "aftercredits.yml",
            work,
            None,
            votes=shared / "aftercredits-2026-08-09-votes.yml",
            titles=titles,
            as_of=SNAPSHOT_DATE,
        )
        listed = [
            r
            for r in read_jsonl(work / "local" / "aftercredits.jsonl")
            if (normalize(r["title"]), r["year"]) not in curated_keys  # ids disagree: skip
        ]
    print(
        f"listing: {report.listed} listed, {report.added} added, {report.agrees} agree, "
        f"{len(report.contradictions)} contradict, {len(report.unmatched)} unmatched, "
        f"{len(report.no_position)} without a position",
        file=sys.stderr,
    )
    for r in listed:
        r["credits"]["source"] = LISTING_SOURCE
        if r["imdb_id"] in identified_ids:
            r["sources"] = {"year": IDENTIFIED_SOURCE, **(r.get("sources") or {})}
        if r["imdb_id"] in corrected:
            r["sources"] = {"year": CORRECTED_SOURCE, **(r.get("sources") or {})}
            add_texts(r, {"aliases": corrected[r["imdb_id"]].get("aliases") or []})
        fill_facts(r, facts.by_imdb.get(r["imdb_id"]) or facts.unkeyed(r["title"], r["year"]))
        add_texts(r, texts.find(r["title"], r["year"], r["imdb_id"]))
        fill_ratings_by_name(r, facts)
    listing_keys = {(normalize(r["title"]), r["year"]) for r in listed} | press_keys
    listing_imdb = {r["imdb_id"] for r in listed}
    n = write_jsonl(DATA / "listing" / "aftercredits.jsonl", listed)
    print(f"data/listing/aftercredits.jsonl: {n} films", file=sys.stderr)

    # 3. Films only TMDB's keywords tag.
    taken_ids = {r["id"] for r in listed}
    tmdb_records = []
    for f in facts.rows:
        st = f.get("stinger") or {}
        imdb_id = f.get("imdb_id")
        if not (st.get("during") or st.get("after")) or not f.get("title") or not f.get("year"):
            continue
        key = (normalize(f["title"]), f["year"])
        if imdb_id in curated_imdb or imdb_id in listing_imdb or imdb_id in listings:
            continue
        if key in curated_keys or key in listing_keys:
            continue
        verdict = verdict_of(bool(st.get("during")), bool(st.get("after")))
        fid = slugify(f["title"], f["year"])
        if fid in taken_ids:
            continue
        taken_ids.add(fid)
        r: dict[str, Any] = {"id": fid, "title": f["title"], "year": f["year"]}
        fill_facts(r, f)
        add_texts(r, texts.find(f["title"], f["year"], imdb_id))
        fill_ratings_by_name(r, facts)
        r["credits"] = {"verdict": verdict, "source": TMDB_SOURCE}
        tmdb_records.append(r)
        listing_keys.add(key)
    tmdb_records += tmdb_table_films(
        tmdb, facts, texts, {*curated_imdb, *listing_imdb, *listings}, taken_ids, tmdb_records, log
    )
    for r in tmdb_records:
        listing_keys.add((normalize(r["title"]), r["year"]))
    tmdb_records.sort(key=lambda r: (r["year"], r["title"]))
    n = write_jsonl(DATA / "listing" / "tmdb-keywords.jsonl", tmdb_records)
    print(f"data/listing/tmdb-keywords.jsonl: {n} films", file=sys.stderr)

    # 4. Films with a written recap that none of the above holds.
    seen_ids: set[str] = set()  # the curated films' ids
    held_names: set[tuple[str, int]] = set()  # every title and alias, year within one
    held_exact: set[tuple[str, int]] = set()  # the same, the year as recorded
    held_ids: set[str] = set()
    curated = curated_files()
    for path in [*curated, *sorted((DATA / "listing").glob("*.jsonl"))]:
        if path.name == "widely-seen.jsonl":
            continue
        for h in read_jsonl(path):
            if path in curated:
                seen_ids.add(h["id"])
            held_ids.add(h.get("imdb_id") or "")
            for name in [h["title"], *(h.get("aliases") or [])]:
                held_names.update((normalize(name), h["year"] + d) for d in (-1, 0, 1))
                held_exact.add((normalize(name), h["year"]))
    more = []
    for t in texts.recaps:
        key = (normalize(t["title"]), t["year"])
        near = {(key[0], t["year"] + d) for d in (-1, 0, 1)}
        names = {(normalize(a), t["year"]) for a in t.get("aliases") or []} | {key}
        if near & (curated_keys | listing_keys) or names & held_names:
            continue  # held under this title or another (its recap went to that record)
        if t.get("imdb_id") and t["imdb_id"] in held_ids:
            continue
        r = {"id": slugify(t["title"], t["year"]), "title": t["title"], "year": t["year"]}
        if r["id"] in seen_ids or r["id"] in taken_ids:
            continue
        seen_ids.add(r["id"])
        fill_facts(r, facts.find(t["title"], t["year"], t.get("imdb_id")))
        add_texts(r, t)
        fill_ratings_by_name(r, facts)
        more.append(r)
        curated_keys.add(key)
        held_exact.update((normalize(a), r["year"]) for a in r.get("aliases") or [])
    more.sort(key=lambda r: (r["year"], r["title"]))
    n = write_jsonl(DATA / "widely-seen.jsonl", more)
    print(f"data/widely-seen.jsonl: {n} films", file=sys.stderr)

    # 5. Known films from the openly licensed datasets (titles only, verdict unknown).
    held = curated_keys | listing_keys
    known: dict[tuple[str, int], dict[str, Any]] = {}
    known_ids: set[str] = set(seen_ids) | taken_ids
    # First the rows whose title and year an open dataset gave; then the films an open
    # TMDB-derived dataset holds (matched by TMDB id) whose title the join took from
    # MovieLens: Basic Instinct, Godzilla (1998), 101 Dalmatians... were missing, and a
    # query for one answered its sequel. These may not repeat a film within two years,
    # and a namesake of a film we hold needs a sign it was released (a box office figure
    # or a rating): an obscure "The Dark Knight" (2011) would only make Nolan's ambiguous.
    names_held = {name for name, _ in held | held_exact}
    open_rows = [(f, None) for f in facts.rows if open_title(f)]
    held_rows = [(f, h) for f in facts.rows if not open_title(f) and (h := tmdb_holder(f))]
    for f, holder in [*open_rows, *held_rows]:
        src = f.get("sources", {})
        title, year = " ".join(str(f["title"]).split()), f["year"]
        if not isinstance(year, int) or not 1870 <= year <= 2100:
            continue
        key = (normalize(title), year)
        if not key[0] or any((key[0], year + d) in held for d in (-2, -1, 0, 1, 2)):
            continue
        if (key[0], year) in held_exact:  # another title or alias of a film we hold
            continue
        if key in known or (holder and any((key[0], year + d) in known for d in (-2, -1, 1, 2))):
            continue
        if holder and key[0] in names_held and not (f.get("box_office_usd") or f.get("ratings")):
            continue
        fid = slugify(title, year)
        if fid in known_ids:
            continue
        known_ids.add(fid)
        r = {"id": fid, "title": title, "year": year}
        if holder is None:
            sources = {"title": DATASET_NAMES[src["title"]], "year": DATASET_NAMES[src["year"]]}
        else:
            named = f"{DATASET_NAMES[holder]}, the film matched by TMDB id"
            sources = {"title": named, "year": named}
        if f.get("runtime_minutes") and src.get("runtime_minutes") in OPEN_FIELD_SOURCES:
            r["runtime_minutes"] = f["runtime_minutes"]
            sources["runtime_minutes"] = DATASET_NAMES[src["runtime_minutes"]]
        if f.get("directors") and src.get("directors") in OPEN_FIELD_SOURCES:
            r["directors"] = f["directors"]
            sources["directors"] = DATASET_NAMES[src["directors"]]
        r["sources"] = sources
        try:
            film_from_record(r, "known", 0)
        except DataError:
            continue  # a title the record format refuses (e.g. a 300-character list entry)
        known[key] = r
    rows = sorted(known.values(), key=lambda r: (r["year"], r["title"]))
    n = write_jsonl(DATA / "known" / "films.jsonl", rows)
    print(f"data/known/films.jsonl: {n} films", file=sys.stderr)
    for line in log:
        print(f"curated: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
