"""The one "same film?" rule, as the build, ``db import`` and the bulk importers apply it."""

from __future__ import annotations

import json
from pathlib import Path

from bot.imports.jsonl import import_files
from bot.sources import NEAR_YEARS, Identity, held_films, load_films, same_film, source_files


def ident(title: str, year: int, imdb: str | None = None, tmdb: int | None = None) -> Identity:
    return Identity(title, year, imdb, tmdb)


def test_ids_decide_first() -> None:
    assert same_film(ident("a", 1990, "tt01"), ident("b", 2020, "tt01"))
    assert same_film(ident("a", 1990, tmdb=5), ident("b", 2020, tmdb=5))
    assert not same_film(ident("dune", 2021, "tt01"), ident("dune", 2021, "tt02"))


def test_one_title_within_near_years_is_one_film() -> None:
    assert same_film(
        ident("children of heaven", 1997, "tt0118849"), ident("children of heaven", 1999)
    )
    assert same_film(ident("x", 2000), ident("x", 2000 + NEAR_YEARS))
    assert not same_film(ident("x", 2000), ident("x", 2001 + NEAR_YEARS))
    assert not same_film(ident("x", 2000), ident("y", 2000))


def write(path: Path, *records: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records))


def test_the_build_db_import_and_bulk_imports_agree(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write(data / "curated.jsonl", {"title": "Quiet Orchard", "year": 1999, "imdb_id": "tt0000001"})
    write(
        data / "local" / "tmdb.jsonl",
        {"title": "Quiet Orchard", "year": 2001},  # no id: the curated film, two years on
        {
            "title": "Quiet Orchard",
            "year": 1999,
            "id": "quiet-orchard-1999-b",
            "imdb_id": "tt0000009",
        },
        {"title": "Quiet Orchard", "year": 2005},  # too far: another film
    )
    built = [(x.film.title, x.film.year, x.film.imdb_id) for x in load_films(source_files(data))]
    assert built == [
        ("Quiet Orchard", 1999, "tt0000001"),
        ("Quiet Orchard", 1999, "tt0000009"),
        ("Quiet Orchard", 2005, None),
    ]
    held = held_films(data, 1)
    assert held.find(ident("quiet orchard", 2001)) is not None
    assert held.find(ident("quiet orchard", 2001, "tt0000009")) is None
    page = tmp_path / "import.jsonl"
    write(page, {"title": "Quiet Orchard", "year": 2000}, {"title": "Quiet Orchard", "year": 2004})
    report = import_files([page], data)
    assert [f.year for f in report.added] == [2004]
    assert [f.year for f, _ in report.skipped] == [2000]
