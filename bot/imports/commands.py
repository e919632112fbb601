"""Every import command: ``credits-bot db import``, ``import-imdb`` and ``import-tmdb``:
their arguments and what they print.

The CLI only wires them in; the importers themselves (and httpx) are imported when a
command runs, not when the CLI starts.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot.settings import Settings

SHOWN = 20
"""Lines listed per kind of finding (contradictions, changes); the rest are counted."""
IMPORT_COMMANDS = ("import", "import-imdb", "import-tmdb", "import-aftercredits")


def add_parsers(dbsub: Any, common: argparse.ArgumentParser) -> None:
    """Add the import commands to the ``db`` sub-parsers."""
    imp = dbsub.add_parser(
        "import", parents=[common], help="add films from .jsonl files or seed-format pages"
    )
    imp.add_argument("files", nargs="+", type=Path)
    imdb = dbsub.add_parser(
        "import-imdb",
        parents=[common],
        help="add every film of IMDb's dataset files (verdict unknown)",
        description="Stream IMDb's title.basics (and title.akas, title.ratings) files into "
        "data/local/imdb.jsonl, then rebuild the catalog. Curated films are never changed.",
    )
    imdb.add_argument("basics", type=Path, help="title.basics.tsv.gz (or .tsv)")
    imdb.add_argument("akas", type=Path, nargs="?", help="title.akas.tsv.gz (or .tsv)")
    imdb.add_argument(
        "--ratings", type=Path, help="title.ratings.tsv.gz: numVotes becomes popularity"
    )
    imdb.add_argument(
        "--tv-movies", action="store_true", help="also import TV movies (titleType tvMovie)"
    )
    imdb.add_argument(
        "--max-bad",
        type=int,
        default=100,
        metavar="N",
        help="skip and report up to N malformed rows; abort beyond (default 100)",
    )
    imdb.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a terminal"
    )
    _add_aftercredits(dbsub, common)
    _add_tmdb(dbsub, common)


def _add_aftercredits(dbsub: Any, common: argparse.ArgumentParser) -> None:
    ac = dbsub.add_parser(
        "import-aftercredits",
        parents=[common],
        help="record verdicts and kinds of extra from aftercredits.com's listing",
        description="Read a Kometa-Team/AfterCredits map (aftercredits.yml: IMDb id -> "
        "tags and votes) into data/local/aftercredits.jsonl, then rebuild the catalog. "
        "Curated films are never changed: disagreements are reported.",
    )
    ac.add_argument("map", type=Path, help="aftercredits.yml")
    ac.add_argument("--votes", type=Path, help="another copy of the map to take the votes from")
    ac.add_argument(
        "--titles",
        type=Path,
        help="JSON Lines (gzip allowed) with imdb_id, title, year: add listed films the "
        "catalog lacks",
    )
    ac.add_argument("--as-of", help="the listing's date for the source line (default: today)")


def _add_tmdb(dbsub: Any, common: argparse.ArgumentParser) -> None:
    tmdb = dbsub.add_parser(
        "import-tmdb",
        parents=[common],
        help="record during/after verdicts from TMDB's credits keywords",
        description="Walk TMDB's films tagged duringcreditsstinger/aftercreditsstinger "
        "(needs TMDB_API_TOKEN) into data/local/tmdb.jsonl, then rebuild the catalog. "
        "An interrupted walk resumes where it stopped.",
    )
    tmdb.add_argument(
        "--restart", action="store_true", help="forget an interrupted walk and start over"
    )
    tmdb.add_argument(
        "--progress", action="store_true", help="show the progress bar even when not a terminal"
    )


def _warn(message: str) -> None:
    print(f"credits-bot: warning: {message}", file=sys.stderr)


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """Run one import command; errors are raised as BotError."""
    from bot.imports.common import Progress

    if args.db_command == "import":
        return _files(args, settings)
    if args.db_command == "import-aftercredits":
        return _aftercredits(args, settings)

    progress = Progress(
        args.db_command.removeprefix("import-"),
        enabled=bool(args.progress) or sys.stderr.isatty(),
    )
    if args.db_command == "import-imdb":
        return _imdb(args, settings, progress)
    return _tmdb(args, settings, progress)


def _findings(
    changed: Sequence[tuple[str, str, str]],
    contradictions: Sequence[object],
    curated_unknown: Sequence[object],
    other_side: str,
) -> None:
    """What a bulk import found against the curated files: the first :data:`SHOWN` of each
    kind, then a count."""
    for title, before, now in changed[:SHOWN]:
        print(f"changed: {title}: {before} -> {now}")
    for found in contradictions[:SHOWN]:
        print(f"contradiction: {found}")
    for found in curated_unknown[:SHOWN]:
        print(f"unknown in curated file, {other_side}: {found}")
    for name, items in (
        ("changes", changed),
        ("contradictions", contradictions),
        ("curated unknowns", curated_unknown),
    ):
        if len(items) > SHOWN:
            print(f"... and {len(items) - SHOWN} more {name}")


def _files(args: argparse.Namespace, settings: Settings) -> int:
    from bot.imports.jsonl import import_files

    report = import_files(args.files, settings.data_dir, settings.db_path)
    for film, why in report.skipped:
        print(f"skipped {film.label}: {why}")
    if report.written is None or report.build is None:
        print("nothing new to import")
        return 0
    print(
        f"imported {len(report.added)} films into {report.written}; "
        f"catalog rebuilt ({report.build.films} films)"
    )
    return 0


def _aftercredits(args: argparse.Namespace, settings: Settings) -> int:
    from bot.imports.aftercredits import import_aftercredits

    r = import_aftercredits(
        args.map,
        settings.data_dir,
        settings.db_path,
        votes=args.votes,
        titles=args.titles,
        as_of=args.as_of,
    )
    print(
        f"read {r.listed:,} listed films: added {r.added:,}, upgraded unknown -> verdict "
        f"{r.upgraded:,}, refreshed {r.refreshed:,} ({len(r.changed):,} changed), "
        f"{r.with_votes:,} with a worth-staying figure"
    )
    print(
        f"  held by curated or db import files: {r.agrees:,} agree, "
        f"{len(r.contradictions):,} contradict (not applied), "
        f"{len(r.curated_unknown):,} recorded as unknown (not applied)"
    )
    print(
        f"  unmatched (not in the catalog): {len(r.unmatched):,}; "
        f"listed without a position (recorded as 'some': something during or after the "
        f"credits): {len(r.no_position):,}"
    )
    _findings(r.changed, r.contradictions, r.curated_unknown, "listed")
    if r.unmatched:
        shown = ", ".join(r.unmatched[:SHOWN])
        more = f" and {len(r.unmatched) - SHOWN} more" if len(r.unmatched) > SHOWN else ""
        print(f"unmatched: {shown}{more} (import IMDb's titles or pass --titles to add them)")
    if r.written is None:
        print("nothing to write: nothing changed")
        return 0
    print(f"wrote {r.written}")
    if r.build is not None:
        b = r.build
        print(f"catalog rebuilt: {b.films:,} films, {b.names:,} names in {b.seconds:.1f}s")
    return 0


def _imdb(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    from bot.imports.imdb import import_imdb

    if args.max_bad < 0:
        from bot.errors import ConfigError

        raise ConfigError("--max-bad must be 0 or more")
    report = import_imdb(
        args.basics,
        args.akas,
        settings.data_dir,
        settings.db_path,
        ratings=args.ratings,
        tv_movies=args.tv_movies,
        max_bad=args.max_bad,
        progress=progress,
    )
    for bad in report.bad.shown:
        _warn(f"skipped malformed row: {bad}")
    if report.bad.count > len(report.bad.shown):
        _warn(f"... and {report.bad.count - len(report.bad.shown)} more malformed rows skipped")
    skipped = {
        "not films": report.skipped_type,
        "adult": report.skipped_adult,
        "without a year": report.skipped_no_year,
        "held by curated or db import files (left untouched)": report.skipped_held,
        "same title and year as an earlier IMDb film": report.skipped_duplicate,
        "without a usable title": report.skipped_title,
        "malformed": report.bad.count,
    }
    print(f"read {report.rows:,} rows in {report.stream_seconds:.1f}s")
    for why, n in skipped.items():
        if n:
            print(f"  skipped {n:,} {why}")
    if report.written is None:
        print("no films to import: nothing changed")
        return 0
    print(
        f"imported {report.films:,} films ({report.aliases:,} alternative titles, "
        f"{report.with_votes:,} with votes) into {report.written}"
    )
    if report.tmdb_overrides:
        print(f"  {report.tmdb_overrides:,} of them get their credits from tmdb.jsonl")
    if report.build is not None:
        b = report.build
        print(f"catalog rebuilt: {b.films:,} films, {b.names:,} names in {b.seconds:.1f}s")
    return 0


def _tmdb(args: argparse.Namespace, settings: Settings, progress: Any) -> int:
    from bot.imports.tmdb import import_tmdb

    report = asyncio.run(
        import_tmdb(
            settings.data_dir,
            settings.db_path,
            base_url=settings.tmdb_api_base_url,
            token=settings.tmdb_api_token,
            restart=args.restart,
            progress=progress,
        )
    )
    if report.resumed_after is not None:
        print(f"resumed an interrupted walk after page {report.resumed_after}")
    print(
        f"read {report.pages} pages, {report.requests} requests "
        f"({report.rate_limited} rate-limited, {report.waited:.0f}s waited) "
        f"in {report.seconds:.1f}s: {report.tagged:,} films tagged"
    )
    if report.truncated:
        _warn("TMDB serves 500 pages per query and one release date had more: some missed")
    print(
        f"  added {report.added:,}, upgraded unknown -> verdict {report.upgraded:,}, "
        f"changed {len(report.changed):,}, unchanged {report.unchanged:,}, "
        f"no longer tagged {report.removed:,}"
    )
    print(
        f"  held by curated or db import files: {report.agrees:,} agree, "
        f"{len(report.contradictions):,} contradict (not applied), "
        f"{len(report.curated_unknown):,} recorded as unknown (not applied)"
    )
    for why, n in sorted(report.skipped.items()):
        print(f"  skipped {n:,}: {why}")
    _findings(report.changed, report.contradictions, report.curated_unknown, "TMDB has a verdict")
    if report.written is not None:
        print(f"wrote {report.written}")
    if report.build is not None:
        b = report.build
        print(f"catalog rebuilt: {b.films:,} films, {b.names:,} names in {b.seconds:.1f}s")
    return 0
