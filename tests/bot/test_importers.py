"""Importers: seed-format pages and JSON Lines; all or nothing, with file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.errors import DataError
from bot.imports.jsonl import import_files
from bot.imports.seed_page import parse_seed_page
from bot.models import Position, Verdict
from bot.sources import load_films, source_files
from bot.store.build import build_from_sources

PAGES = Path(__file__).parent / "pages"
SEED = Path(__file__).resolve().parents[3] / "shared" / "seeds" / "000_a1d7495195fd799d.txt"


def page(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def test_yes_page_with_scenes() -> None:
    film = parse_seed_page(page("yes_both.txt"), "yes_both.txt")
    assert (film.title, film.year) == ("The Lantern Keepers", 2016)
    assert film.credits.verdict is Verdict.BOTH
    assert [s.position for s in film.credits.scenes] == [Position.DURING, Position.AFTER]
    assert film.credits.scenes[0].kind == "gag"
    assert film.credits.scenes[1].kind == "sequel-setup"
    assert film.runtime_minutes == 104
    assert film.box_office == "$12.4M"
    assert film.languages == ("English", "Welsh")
    assert film.writers == ("Rhiannon Pryce", "Tomos Hale")
    assert film.directors == ("Rhiannon Pryce",)
    r = film.ratings
    assert (r.metascore, r.metacritic_user, r.tomatometer, r.audience) == (64, 7.1, 88, 79)
    assert film.recap is not None and film.recap.count("\n") == 1
    assert film.credits.source == "imported page yes_both.txt"


def test_no_page_with_empty_fields() -> None:
    film = parse_seed_page(page("no_empty_fields.txt"), "p.txt")
    assert film.credits.verdict is Verdict.NONE
    assert film.box_office is None and film.languages == () and film.directors == ()
    assert film.ratings.audience == 84


def test_missing_ratings_stay_unknown() -> None:
    film = parse_seed_page(page("missing_rating.txt"), "p.txt")
    assert film.credits.verdict is Verdict.DURING
    r = film.ratings
    assert (r.metascore, r.metacritic_user, r.tomatometer, r.audience) == (None, 6.4, 72, None)


@pytest.mark.skipif(not SEED.exists(), reason="shared/seeds not beside the repo")
def test_the_seed_page_itself() -> None:
    film = parse_seed_page(SEED.read_text(encoding="utf-8"), SEED.name)
    assert (film.title, film.year, film.runtime_minutes) == ("Children of Heaven", 1999, 89)
    assert film.credits.verdict is Verdict.NONE
    assert film.ratings.metascore == 77 and film.ratings.audience == 95
    assert film.recap and film.recap.startswith("As the sun sets")


def test_bad_page_names_file_and_line() -> None:
    with pytest.raises(DataError) as err:
        parse_seed_page(page("bad_year.txt"), "bad_year.txt")
    assert str(err.value).startswith("bad_year.txt:5: expected the year")
    with pytest.raises(DataError, match=r"^x.txt:1: expected 'Does <title>"):
        parse_seed_page("Hello there\n", "x.txt")


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "curated.jsonl").write_text(
        json.dumps(
            {
                "title": "Quiet Orchard",
                "year": 1999,
                "credits": {"verdict": "after", "source": "curated"},
            }
        )
        + "\n"
    )
    return data


def test_import_round_trip_survives_rebuild(data_dir: Path, tmp_path: Path) -> None:
    pages = [PAGES / "yes_both.txt", PAGES / "missing_rating.txt", PAGES / "no_empty_fields.txt"]
    report = import_files(pages, data_dir)
    assert [f.title for f in report.added] == ["The Lantern Keepers", "Paper Comets"]
    # The curated record wins over the imported page.
    assert [(f.title, why.split(" from ")[0]) for f, why in report.skipped] == [
        ("Quiet Orchard", "already in the catalog")
    ]
    assert report.written is not None and report.written.parent == data_dir / "local"
    db = tmp_path / "catalog.sqlite"
    build_from_sources(data_dir, db)
    again = load_films(source_files(data_dir))
    imported = {x.film.title: x.film for x in again}
    assert imported["The Lantern Keepers"] == report.added[0]
    assert imported["Quiet Orchard"].credits.verdict is Verdict.AFTER


def test_import_is_all_or_nothing(data_dir: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps({"title": "Fine", "year": 2000}) + "\n" + '{"title": "Broken", "year": "soon"}\n'
    )
    with pytest.raises(DataError) as err:
        import_files([PAGES / "yes_both.txt", bad], data_dir)
    assert str(err.value).startswith(f"{bad}:2:")
    assert not (data_dir / "local").exists() or not list((data_dir / "local").iterdir())


def test_duplicates_within_an_import_are_rejected(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    shutil.copy(PAGES / "yes_both.txt", copy)
    with pytest.raises(DataError, match="duplicate film The Lantern Keepers"):
        import_files([PAGES / "yes_both.txt", copy], data_dir)


@pytest.mark.skipif(not SEED.exists(), reason="shared/seeds not beside the repo")
def test_the_seed_page_matches_the_curated_film(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for curated in (Path(__file__).resolve().parents[2] / "data").glob("*.jsonl"):
        shutil.copy(curated, data)
    report = import_files([SEED], data)
    assert report.written is None
    assert [f.title for f, _ in report.skipped] == ["Children of Heaven"]
