"""``credits-bot db import-aftercredits``: the Kometa AfterCredits map, against real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.errors import DataError
from bot.imports.aftercredits import import_aftercredits, parse_line, read_map
from bot.models import Position, Verdict
from bot.render.answer import verdict_headline
from bot.sources import load_films, source_files
from bot.store.build import build_from_sources
from credits_bot.cli import EXIT_ERROR, EXIT_OK, main

SNAPSHOT = Path(__file__).resolve().parents[2] / "data" / "sources" / "aftercredits.yml"


def write(path: Path, *records: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def line(imdb: str, tags: str, rating: int = 0, votes: int = 0) -> str:
    return f"{imdb}: {{rating: {rating}, votes: {votes}, tags: [{tags}]}}\n"


@pytest.mark.parametrize(
    ("tags", "verdict", "kinds"),
    [
        ("Bonus Scene, During Credits", Verdict.DURING, ("bonus",)),
        ("After Credits, Bonus Scene, Sequel Setup", Verdict.AFTER, ("bonus", "sequel-setup")),
        ("Both During & After Credits, Blooper, Outtake", Verdict.BOTH, ("bloopers",)),
        ("After Credits, Sequel Setup", Verdict.AFTER, ("title-card",)),  # "Bond will return"
        ("Audio, During Credits", Verdict.DURING, ("audio-only",)),
        ("Dedications/In Memoriam, During Credits, Still Images", Verdict.DURING,
         ("dedication", "stills")),
        ("After Credits, Informative", Verdict.AFTER, ("text-card",)),
        ("After Credits, Musical", Verdict.AFTER, ("musical",)),
        ("3D/4D/IMAX Quality Poll, Activity Kit, Bonus Scene, During Credits", Verdict.DURING,
         ("bonus",)),
        ("Bonus Scene", Verdict.SOME, ("bonus",)),  # listed, but not where
    ],
)  # fmt: skip
def test_tags_become_a_verdict_and_kinds(
    tags: str, verdict: Verdict | None, kinds: tuple[str, ...]
) -> None:
    listing = parse_line(line("tt0000001", tags), "map.yml", 1)
    assert listing is not None
    assert listing.verdict is verdict
    assert sorted(listing.kinds) == sorted(kinds)


def test_blank_and_comment_lines_are_skipped_and_quotes_allowed() -> None:
    assert parse_line("\n", "m", 1) is None
    assert parse_line("# a comment\n", "m", 2) is None
    item = parse_line('tt0000002: {rating: 1, votes: 3, tags: ["After Credits"]}', "m", 3)
    assert item is not None and item.positions == {Position.AFTER}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tt1: {rating: 0, votes: 0, tags: []}", "expected 'ttNNNNNNN"),
        ("tt0000001: {rating: 0, votes: 0, tags: [Made Up Tag]}", "unknown tag 'Made Up Tag'"),
        ("tt0000001: {rating: 9, votes: 3, tags: [After Credits]}", "more than the 3 votes"),
        ("tt0000001: rating 0", "expected 'ttNNNNNNN"),
    ],
)
def test_bad_lines_name_file_and_line(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as err:
        parse_line(text, "map.yml", 7)
    assert str(err.value).startswith("map.yml:7: ")


def test_a_film_listed_twice_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text(line("tt0000001", "After Credits") + line("tt0000001", "During Credits"))
    with pytest.raises(DataError, match=r"map.yml:2: tt0000001 is listed twice \(also line 1\)"):
        read_map(path)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Curated films (one ``none``, one ``after``, one ``unknown``) and an IMDb import."""
    data = tmp_path / "data"
    write(
        data / "curated.jsonl",
        {"title": "Quiet Orchard", "year": 1999, "imdb_id": "tt0000001",
         "credits": {"verdict": "none", "source": "Collider"}},
        {"title": "Lantern Keepers", "year": 2017, "imdb_id": "tt0000002",
         "credits": {"verdict": "after", "source": "Collider"}},
        {"title": "Paper Comets", "year": 2005, "imdb_id": "tt0000003"},
    )  # fmt: skip
    write(
        data / "local" / "imdb.jsonl",
        {"id": "night-falcon-2010-tt0000004", "title": "Night Falcon", "year": 2010,
         "imdb_id": "tt0000004", "aliases": ["Falcon of the Night"], "popularity": 1234},
    )  # fmt: skip
    return data


@pytest.fixture
def the_map(tmp_path: Path) -> Path:
    path = tmp_path / "aftercredits.yml"
    path.write_text(
        line("tt0000001", "After Credits, Bonus Scene")  # contradicts the curated "none"
        + line("tt0000002", "After Credits, Bonus Scene")  # agrees
        + line("tt0000003", "During Credits, Bonus Scene")  # curated unknown: for review
        + line("tt0000004", "During Credits, Bonus Scene, Sequel Setup", rating=6, votes=10)
        + line("tt0000005", "After Credits, Sequel Setup")  # only in the titles file
        + line("tt0000006", "During Credits")  # nowhere: unmatched
        + line("tt0000007", "Bonus Scene")  # no position
    )
    return path


def test_merge_rules(data: Path, the_map: Path, tmp_path: Path) -> None:
    titles = write(
        tmp_path / "titles.jsonl",
        {"imdb_id": "tt0000005", "title": "Iron Orchard", "year": 2021, "runtime_minutes": 99},
        {"imdb_id": "tt0000007", "title": "Glass Lanterns", "year": 2019},
    )
    db = tmp_path / "catalog.sqlite"
    report = import_aftercredits(the_map, data, db, titles=titles, as_of="2026-08-22")
    assert (report.listed, report.added, report.upgraded, report.agrees) == (7, 2, 1, 1)
    assert len(report.contradictions) == 1 and "Quiet Orchard" in report.contradictions[0]
    assert len(report.curated_unknown) == 1 and "Paper Comets" in report.curated_unknown[0]
    assert report.unmatched == ["tt0000006"] and report.no_position == ["tt0000007"]
    assert report.with_votes == 1 and report.build is not None
    films = {x.film.imdb_id: x.film for x in load_films(source_files(data))}
    # Curated facts are never changed, whatever the listing says.
    assert films["tt0000001"].credits.verdict is Verdict.NONE
    assert films["tt0000003"].credits.verdict is Verdict.UNKNOWN
    # The IMDb film is upgraded, keeping its titles and popularity.
    falcon = films["tt0000004"]
    assert falcon.credits.verdict is Verdict.DURING
    assert falcon.credits.extras == ("bonus", "sequel-setup")
    assert falcon.aliases == ("Falcon of the Night",) and falcon.popularity == 1234
    assert falcon.credits.worth_staying is not None
    assert (falcon.credits.worth_staying.yes, falcon.credits.worth_staying.votes) == (8, 10)
    assert falcon.credits.source and "aftercredits.com" in falcon.credits.source
    added = films["tt0000005"]
    assert (added.title, added.year, added.runtime_minutes) == ("Iron Orchard", 2021, 99)
    assert verdict_headline(added.credits) == "Yes — only a title card after the credits, no scene"
    # Listed without a position: something is there, where is not recorded ("some").
    lanterns = films["tt0000007"]
    assert lanterns.credits.verdict is Verdict.SOME and lanterns.credits.extras == ("bonus",)
    assert verdict_headline(lanterns.credits) == "Yes — a bonus scene during or after the credits"


def test_a_second_import_refreshes_and_reports_changes(
    data: Path, the_map: Path, tmp_path: Path
) -> None:
    import_aftercredits(the_map, data, None, as_of="2026-08-22")
    the_map.write_text(line("tt0000004", "After Credits, Bonus Scene"))
    report = import_aftercredits(the_map, data, None, as_of="2026-09-01")
    assert report.changed == [("Night Falcon (2010)", "during", "after")]
    films = {x.film.imdb_id: x.film for x in load_films(source_files(data))}
    assert films["tt0000004"].credits.verdict is Verdict.AFTER


def test_votes_below_the_threshold_give_no_figure(data: Path, tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text(line("tt0000004", "During Credits", rating=2, votes=4))
    import_aftercredits(path, data, None)
    (falcon,) = [x.film for x in load_films(source_files(data)) if x.film.imdb_id == "tt0000004"]
    assert falcon.credits.worth_staying is None


def test_all_or_nothing(data: Path, the_map: Path, tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    build_from_sources(data, db)
    before = db.read_bytes()
    the_map.write_text(the_map.read_text() + "tt0000009: {broken\n")
    with pytest.raises(DataError, match=r"aftercredits.yml:8: "):
        import_aftercredits(the_map, data, db)
    assert not (data / "local" / "aftercredits.jsonl").exists()
    assert db.read_bytes() == before
    assert sorted(p.name for p in (data / "local").iterdir()) == ["imdb.jsonl"]


def test_command_line(
    data: Path,
    the_map: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CREDITS_DATA_DIR", str(data))
    db = tmp_path / "catalog.sqlite"
    argv = ["db", "import-aftercredits", str(the_map), "--db", str(db), "--as-of", "2026-08-22"]
    assert main(argv) == EXIT_OK
    out = capsys.readouterr().out
    assert "read 7 listed films: added 0, upgraded unknown -> verdict 1" in out
    assert "1 contradict (not applied)" in out
    assert "contradiction: Quiet Orchard (1999)" in out
    assert "unmatched: tt0000005, tt0000006" in out
    assert "listed without a position (recorded as 'some'" in out
    bad = tmp_path / "bad.yml"
    bad.write_text("nonsense\n")
    assert main(["db", "import-aftercredits", str(bad), "--db", str(db)]) == EXIT_ERROR
    assert "bad.yml:1: expected" in capsys.readouterr().err


def test_the_bundled_snapshot_parses_whole() -> None:
    listings = read_map(SNAPSHOT)
    assert len(listings) == 2068
    verdicts = [x.verdict for x in listings.values()]
    # Listed without a During/After tag: 69 films, recorded as "some", never dropped.
    assert verdicts.count(Verdict.DURING) > 1000 and verdicts.count(Verdict.SOME) == 69
