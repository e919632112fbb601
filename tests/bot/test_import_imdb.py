"""``db import-imdb``: IMDb's dataset files, streamed into data/local/imdb.jsonl.

The files are written here in IMDb's exact format (tab-separated, a header row, ``\\N``
for null, gzip or plain) and imported into a real data directory and SQLite catalog.
"""

from __future__ import annotations

import gzip
import io
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import CatalogError, DataError
from bot.imports import common
from bot.imports.common import Progress
from bot.imports.imdb import (
    AKAS_COLUMNS,
    BASICS_COLUMNS,
    MAX_ALIASES,
    RATINGS_COLUMNS,
    film_id,
    import_imdb,
)
from bot.models import Film, Verdict
from bot.sources import HashSet64, iter_films, load_films, source_files
from bot.store.build import build_catalog, build_from_sources
from credits_bot.cli import EXIT_ERROR, EXIT_OK, main

N = "\\N"


def tsv(path: Path, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> Path:
    text = "\t".join(columns) + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def movie(
    tconst: str,
    title: str,
    year: str = "2001",
    *,
    kind: str = "movie",
    original: str | None = None,
    adult: str = "0",
    runtime: str = "95",
) -> tuple[str, ...]:
    return (tconst, kind, title, original or title, adult, year, N, runtime, "Drama")


def aka(tconst: str, n: int, title: str, region: str = N, language: str = N) -> tuple[str, ...]:
    return (tconst, str(n), title, region, language, N, N, "0")


def records(data: Path) -> dict[str, dict[str, object]]:
    path = data / "local" / "imdb.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {str(r["imdb_id"]): r for r in rows}


def titles(db: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT title, year, verdict FROM films ORDER BY title, year"
        ).fetchall()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A data directory with three curated films and one ``db import`` film."""
    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)
    curated = [
        {
            "title": "Quiet Orchard",
            "year": 1999,
            "imdb_id": "tt0000003",
            "credits": {"verdict": "after", "source": "curated"},
        },
        {"title": "Paper Comets", "year": 2005, "credits": {"verdict": "none", "source": "c"}},
        {"title": "Lantern Keepers", "year": 2016},
    ]
    (data / "films.jsonl").write_text("".join(json.dumps(r) + "\n" for r in curated))
    (data / "local" / "import-1.jsonl").write_text(
        json.dumps({"title": "Hand Imported", "year": 1990}) + "\n"
    )
    return data


BASICS = [
    movie("tt0000001", "The Silent Harbor", "1994", original="Le Port silencieux"),
    movie("tt0000002", "Episode One", "1995", kind="tvEpisode"),
    movie("tt0000003", "Quiet Orchard (Director's Cut)", "1999"),  # curated by IMDb id
    movie("tt0000004", "Paper Comets", "2005"),  # curated by title and year
    movie("tt0000005", "Lantern Keepers", "2017"),  # curated, one year apart
    movie("tt0000006", "Night Falcon", N),  # no year
    movie("tt0000007", "Velvet Room", "2003", adult="1"),
    movie("tt0000008", "Winter Voyage", "2010", kind="tvMovie", runtime=N),
    movie("tt0000009", "The Silent Harbor", "1994"),  # same title and year as tt0000001
    movie("tt0000010", "Silent Harbor", "2019", runtime="51420"),  # a remake; absurd runtime
    movie("tt0000011", "Hand Imported", "1990"),  # a db import file holds it
    movie("tt0000012", "Endless Garden", "2008"),
]
AKAS = [
    aka("tt0000001", 1, "The Silent Harbor", "US"),
    aka("tt0000001", 2, "Le Port silencieux", "FR", "fr"),
    aka("tt0000001", 3, "Der stille Hafen", "DE"),
    aka("tt0000001", 4, "Silent Harbour", "GB"),
    aka("tt0000001", 5, "SILENT HARBOR", "CA"),  # the same title once normalised
    aka("tt0000002", 1, "Episode One", "US"),
    aka("tt0000012", 1, "Jardín sin fin", "ES"),
    *[aka("tt0000012", n, f"Garden Title {n}", "XX") for n in range(2, 20)],
]
RATINGS = [("tt0000001", "7.1", "12345"), ("tt0000010", "5.0", "77"), ("tt0000012", "6", "9")]


@pytest.mark.parametrize("suffix", [".tsv.gz", ".tsv"])
def test_happy_path(data: Path, tmp_path: Path, suffix: str) -> None:
    basics = tsv(tmp_path / f"title.basics{suffix}", BASICS_COLUMNS, BASICS)
    akas = tsv(tmp_path / f"title.akas{suffix}", AKAS_COLUMNS, AKAS)
    ratings = tsv(tmp_path / f"title.ratings{suffix}", RATINGS_COLUMNS, RATINGS)
    db = tmp_path / "catalog.sqlite"
    report = import_imdb(basics, akas, data, db, ratings=ratings)

    assert report.rows == len(BASICS)
    assert (report.films, report.skipped_type, report.skipped_adult) == (3, 2, 1)
    assert (report.skipped_no_year, report.skipped_held, report.skipped_duplicate) == (1, 4, 1)
    assert report.bad.count == 0 and report.with_votes == 3
    assert report.written == data / "local" / "imdb.jsonl"
    found = records(data)
    assert set(found) == {"tt0000001", "tt0000010", "tt0000012"}
    harbor = found["tt0000001"]
    assert harbor == {
        "id": "the-silent-harbor-1994-tt0000001",
        "title": "The Silent Harbor",
        "year": 1994,
        "original_title": "Le Port silencieux",
        "aliases": ["Silent Harbour", "Der stille Hafen"],  # English-speaking regions first
        "imdb_id": "tt0000001",
        "runtime_minutes": 95,
        "popularity": 12345,
    }
    assert "runtime_minutes" not in found["tt0000010"]
    garden = found["tt0000012"]["aliases"]
    assert isinstance(garden, list) and len(garden) == MAX_ALIASES
    assert garden[0] == "Jardín sin fin"
    # The catalog was rebuilt; curated facts are untouched and imported films are unknown.
    assert report.build is not None and report.build.films == 3 + 1 + 3
    by_title = {(t, y): v for t, y, v in titles(db)}
    assert by_title[("Quiet Orchard", 1999)] == "after"
    assert by_title[("Paper Comets", 2005)] == "none"
    assert by_title[("The Silent Harbor", 1994)] == "unknown"
    assert ("Lantern Keepers", 2017) not in by_title
    with sqlite3.connect(db) as conn:
        names = {n for (n,) in conn.execute("SELECT name FROM names")}
    assert {"Silent Harbour", "Der stille Hafen", "Le Port silencieux"} <= names


def test_tv_movies_only_when_asked(data: Path, tmp_path: Path) -> None:
    basics = tsv(tmp_path / "b.tsv", BASICS_COLUMNS, BASICS)
    report = import_imdb(basics, None, data, None, tv_movies=True)
    assert report.films == 4 and "tt0000008" in records(data)
    assert report.build is None  # no catalog asked for


def test_malformed_rows_are_skipped_and_reported_with_file_and_line(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [
        movie("tt0000001", "Good One", "2001"),
        ("tt0000002", "movie", "Too Few Columns"),  # line 3
        movie("tt0000003", "Bad Year", "20x1"),  # line 4
        movie("tt0000004", "Bad Runtime", "2001", runtime="ninety"),  # line 5
        movie("nm0000005", "Not A Title Id", "2001"),  # line 6
        movie("tt0000006", "Good Two", "2002"),
    ]
    basics = tsv(tmp_path / "b.tsv", BASICS_COLUMNS, rows)
    akas = tsv(
        tmp_path / "a.tsv",
        AKAS_COLUMNS,
        [aka("tt0000001", 1, "Good Alias", "US"), ("tt0000006", "1", "short row")],
    )
    monkeypatch.setenv("CREDITS_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "catalog.sqlite"
    code = main(["db", "import-imdb", "--db", str(db), str(basics), str(akas)])
    out, err = capsys.readouterr()
    assert code == EXIT_OK
    warnings = err.splitlines()
    assert warnings == [
        f"credits-bot: warning: skipped malformed row: {basics}:3: "
        "expected 9 tab-separated columns, found 3",
        f"credits-bot: warning: skipped malformed row: {basics}:4: "
        "startYear must be a year, not '20x1'",
        f"credits-bot: warning: skipped malformed row: {basics}:5: "
        "runtimeMinutes must be a number, not 'ninety'",
        f"credits-bot: warning: skipped malformed row: {basics}:6: bad tconst 'nm0000005'",
        f"credits-bot: warning: skipped malformed row: {akas}:3: "
        "expected 8 tab-separated columns, found 3",
    ]
    assert "imported 2 films" in out and "skipped 5 malformed" in out
    assert set(records(data)) == {"tt0000001", "tt0000006"}
    assert records(data)["tt0000001"]["aliases"] == ["Good Alias"]
    assert {t for t, _, _ in titles(db)} >= {"Good One", "Good Two"}


def test_too_many_malformed_rows_abort_and_change_nothing(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "catalog.sqlite"
    good = tsv(tmp_path / "good.tsv", BASICS_COLUMNS, [movie("tt0000001", "Kept Film", "2001")])
    import_imdb(good, None, data, db)
    before = ((data / "local" / "imdb.jsonl").read_bytes(), db.read_bytes())
    rows = [movie(f"tt00000{n:02d}", f"Film {n}", "19x9") for n in range(10)]
    bad = tsv(tmp_path / "bad.tsv.gz", BASICS_COLUMNS, rows)
    with pytest.raises(DataError) as err:
        import_imdb(bad, None, data, db, max_bad=3)
    assert str(err.value).startswith(f"{bad}:5: startYear must be a year")
    assert "more than the 3 allowed" in str(err.value)
    assert ((data / "local" / "imdb.jsonl").read_bytes(), db.read_bytes()) == before
    assert sorted(p.name for p in (data / "local").iterdir()) == [
        ".import.lock",  # the import lock stays, like the build lock
        "imdb.jsonl",
        "import-1.jsonl",
    ]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [
        ".catalog.sqlite.lock"  # the build lock stays: removing a lock file races
    ]
    # The command line says so in one line, with no traceback.
    monkeypatch.setenv("CREDITS_DATA_DIR", str(data))
    monkeypatch.chdir(tmp_path)
    code = main(["db", "import-imdb", "--db", str(db), "--max-bad", "0", str(bad)])
    out, err_text = capsys.readouterr()
    assert code == EXIT_ERROR and out == ""
    assert err_text.splitlines()[-1].startswith(f"credits-bot: error: {bad}:2: startYear")
    assert "Traceback" not in err_text


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"tconst\ttitleType\n", "not an IMDb title.basics file"),
        (b"", "not an IMDb title.basics file"),
        (gzip.compress(b"x" * 100_000)[:40], "cannot read: Compressed file ended"),
    ],
)
def test_a_wrong_or_corrupt_file_aborts_at_once(
    data: Path, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "title.basics.tsv.gz"
    path.write_bytes(content)
    with pytest.raises(DataError, match=message) as err:
        import_imdb(path, None, data, tmp_path / "catalog.sqlite")
    assert str(err.value).startswith(f"{path}:1:")
    assert not (data / "local" / "imdb.jsonl").exists()
    assert not (tmp_path / "catalog.sqlite").exists()
    assert sorted(p.name for p in (data / "local").iterdir()) == ["import-1.jsonl"]


def test_a_failed_rebuild_puts_the_previous_file_back(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "catalog.sqlite"
    first = tsv(tmp_path / "one.tsv", BASICS_COLUMNS, [movie("tt0000001", "First Film")])
    import_imdb(first, None, data, db)
    before = ((data / "local" / "imdb.jsonl").read_bytes(), db.read_bytes())

    def broken(data_dir: Path, dest: Path, **_: object) -> object:
        raise CatalogError("disk full")

    monkeypatch.setattr(common, "build_from_sources", broken)
    second = tsv(tmp_path / "two.tsv", BASICS_COLUMNS, [movie("tt0000002", "Second Film")])
    with pytest.raises(CatalogError):
        import_imdb(second, None, data, db)
    assert ((data / "local" / "imdb.jsonl").read_bytes(), db.read_bytes()) == before
    assert sorted(p.name for p in (data / "local").iterdir()) == [
        ".import.lock",  # the import lock stays, like the build lock
        "imdb.jsonl",
        "import-1.jsonl",
    ]


@pytest.mark.parametrize("order", ["text", "numeric"])
def test_merge_join_follows_the_files_order_of_ids(data: Path, tmp_path: Path, order: str) -> None:
    """IMDb sorts ids as text (tt10000001 before tt1000001); numbers work as well."""
    ids = ["tt0999999", "tt1000000", "tt10000001", "tt1000001", "tt10000010", "tt1000002"]
    ids += ["tt9999999", "tt20000001"]
    ids.sort(key=(lambda t: t) if order == "text" else (lambda t: int(t[2:])))
    basics = [movie(t, f"Film {t}", "2001") for t in ids]
    akas = [aka(t, 1, f"Alias {t}") for t in ids]
    ratings = [(t, "5", str(int(t[2:]) % 1000)) for t in ids if t != "tt1000001"]
    b = tsv(tmp_path / "b.tsv", BASICS_COLUMNS, basics)
    a = tsv(tmp_path / "a.tsv", AKAS_COLUMNS, akas)
    r = tsv(tmp_path / "r.tsv", RATINGS_COLUMNS, ratings)
    report = import_imdb(b, a, data, None, ratings=r)
    found = records(data)
    assert report.films == len(ids) and report.bad.count == 0
    assert all(found[t]["aliases"] == [f"Alias {t}"] for t in ids)
    assert "popularity" not in found["tt1000001"]
    assert found["tt20000001"]["popularity"] == 1


def test_tmdb_facts_override_imdb_titles_at_build_time(data: Path, tmp_path: Path) -> None:
    tmdb = {
        "id": "the-silent-harbor-1994-tt0000001",
        "title": "The Silent Harbor",
        "year": 1994,
        "imdb_id": "tt0000001",
        "tmdb_id": 55,
        "credits": {"verdict": "during", "source": "TMDB keywords"},
    }
    (data / "local" / "tmdb.jsonl").write_text(json.dumps(tmdb) + "\n")
    basics = tsv(tmp_path / "b.tsv", BASICS_COLUMNS, BASICS)
    db = tmp_path / "catalog.sqlite"
    report = import_imdb(basics, None, data, db)
    assert report.tmdb_overrides == 1 and "tt0000001" in records(data)
    rows = [(t, y, v) for t, y, v in titles(db) if t == "The Silent Harbor"]
    assert rows == [("The Silent Harbor", 1994, "during")]


def test_build_layers_and_duplicates(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)

    def write(name: str, *rows: dict[str, object]) -> None:
        (data / name).write_text("".join(json.dumps(r) + "\n" for r in rows))

    write("a.jsonl", {"title": "Curated", "year": 2000, "imdb_id": "tt0000001"})
    write(
        "local/imdb.jsonl",
        {"id": "curated-2000-tt0000001", "title": "Curated", "year": 2000, "imdb_id": "tt0000001"},
        {"id": "other-2001-tt0000002", "title": "Other Name", "year": 2001, "imdb_id": "tt0000002"},
        {"id": "free-2002-tt0000003", "title": "Free", "year": 2002, "imdb_id": "tt0000003"},
    )
    write(
        "local/tmdb.jsonl",
        {
            "title": "Other Title On TMDB",
            "year": 2001,
            "imdb_id": "tt0000002",
            "credits": {"verdict": "after", "source": "TMDB keywords"},
        },
    )
    films = [x.film for x in iter_films(source_files(data))]
    assert [(f.title, f.credits.verdict) for f in films] == [
        ("Curated", Verdict.UNKNOWN),
        ("Other Title On TMDB", Verdict.AFTER),
        ("Free", Verdict.UNKNOWN),
    ]
    write(
        "local/imdb.jsonl",
        {"id": "free-2002-tt0000003", "title": "Free", "year": 2002, "imdb_id": "tt0000003"},
        {"id": "free-2002-tt0000004", "title": "FREE!", "year": 2002, "imdb_id": "tt0000004"},
    )
    imdb = data / "local" / "imdb.jsonl"
    with pytest.raises(DataError) as err:
        load_films(source_files(data))
    assert str(err.value) == f"{imdb}:2: duplicate film FREE! (2002) (also at {imdb}:1)"
    with pytest.raises(CatalogError, match="duplicate film id 'x-2000'"):
        build_catalog([Film("x-2000", "X", 2000), Film("x-2000", "Y", 2001)], tmp_path / "c.db")
    with pytest.raises(DataError):
        build_from_sources(data, tmp_path / "c.db")
    assert not (tmp_path / "c.db").exists()


def test_film_ids_are_valid_slugs_of_at_most_63_characters() -> None:
    long = film_id("A" * 40 + " " + "B" * 40, 2001, "tt12345678")
    assert len(long) <= 63 and long.endswith("-2001-tt12345678")
    assert film_id("七人の侍", 1954, "tt0047478") == "film-1954-tt0047478"


def test_progress_bar_draws_on_its_stream() -> None:
    stream = io.StringIO()
    bar = Progress("imdb", enabled=True, stream=stream, every=0)
    bar.update(0.5, "500 rows")
    bar.close("done")
    text = stream.getvalue()
    assert "\rimdb [" in text and " 50.0%" in text and "100.0%" in text and text.endswith("\n")
    quiet = io.StringIO()
    Progress("imdb", enabled=False, stream=quiet).update(0.5)
    assert quiet.getvalue() == ""


def test_a_db_import_wins_over_an_imdb_title(tmp_path: Path) -> None:
    """``db import`` ranks above the bulk imports: an IMDb title never blocks it."""
    from bot.imports.jsonl import import_files

    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)
    page = Path(__file__).parent / "pages" / "yes_both.txt"
    basics = tsv(
        tmp_path / "b.tsv", BASICS_COLUMNS, [movie("tt0000001", "The Lantern Keepers", "2016")]
    )
    db = tmp_path / "catalog.sqlite"
    import_imdb(basics, None, data, db)
    report = import_files([page], data)
    assert [f.title for f in report.added] == ["The Lantern Keepers"] and not report.skipped
    build_from_sources(data, db)
    assert titles(db) == [("The Lantern Keepers", 2016, "both")]


@given(st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), max_size=3000))
def test_hash_set_behaves_like_a_set(values: list[int]) -> None:
    compact, reference = HashSet64(), set[int]()
    for v in values:
        aliased = v in (0, 1) and bool({0, 1} & reference)  # 0 is stored as 1
        assert (v in compact) == (v in reference or aliased)
        compact.add(v)
        reference.add(v)
    assert all(v in compact for v in values)
    merged = HashSet64()
    merged.update(compact)
    assert all(v in merged for v in values) and len(merged) == len(compact)
