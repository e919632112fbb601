"""Validation of the source records: every error names the file and the line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.errors import DataError
from bot.models import Verdict
from bot.records import film_from_record, film_to_record, iter_jsonl
from bot.sources import load_films


def good(**extra: Any) -> dict[str, Any]:
    return {"title": "Some Film", "year": 2001, **extra}


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"year": 2000}, "'title' is required"),
        ({"title": "X"}, "'year' is required"),
        (good(year="2001"), "'year' must be a whole number"),
        (good(year=1200), "'year' must be between"),
        (good(title="   "), "'title' must not be empty"),
        (good(title="!!!"), "no letters or digits"),
        (good(colour="red"), "unknown field 'colour'"),
        (good(aliases="Other"), "'aliases' must be a list of strings"),
        (good(ratings={"metascore": 120}), "rating 'metascore' must be between"),
        (good(ratings={"imdb": 7}), "unknown rating"),
        (good(imdb_id="123"), "'imdb_id' must look like"),
        (good(id="Bad Id"), "'id' must be a lowercase slug"),
        (good(credits={"verdict": "maybe", "source": "s"}), "verdict must be one of"),
        (good(credits={"verdict": "after"}), "needs a 'source'"),
        (
            good(credits={"verdict": "none", "source": "s", "scenes": [{"position": "after"}]}),
            "contradicts",
        ),
        (
            good(credits={"verdict": "during", "source": "s", "scenes": [{"position": "after"}]}),
            "verdict 'during' but a scene is after",
        ),
        (
            good(credits={"verdict": "both", "source": "s", "scenes": [{"position": "after"}]}),
            "needs scenes during and after",
        ),
        (
            good(credits={"verdict": "unknown", "scenes": [{"position": "after"}]}),
            "'unknown' verdict cannot list scenes",
        ),
        (
            good(credits={"verdict": "some", "source": "s", "scenes": [{"position": "after"}]}),
            "verdict 'some' means where is not recorded",
        ),
        (good(credits={"verdict": "some"}), "needs a 'source'"),
        (good(credits={"verdict": "none", "source": "s", "extras": ["bonus"]}), "'extras' need"),
        (
            good(credits={"verdict": "after", "source": "s", "scenes": [{"position": "end"}]}),
            "position must be",
        ),
        (
            good(
                credits={
                    "verdict": "after",
                    "source": "s",
                    "scenes": [{"position": "after", "kind": "x"}],
                }
            ),
            "kind must be one of",
        ),
    ],
)
def test_rejections_name_file_and_line(record: dict[str, Any], message: str) -> None:
    with pytest.raises(DataError) as err:
        film_from_record(record, "data/x.jsonl", 7)
    assert str(err.value).startswith("data/x.jsonl:7: ")
    assert message in str(err.value)


def test_only_title_and_year_are_required() -> None:
    film = film_from_record({"title": "Children of Heaven", "year": 1997}, "f", 1)
    assert film.id == "children-of-heaven-1997"
    assert film.credits.verdict is Verdict.UNKNOWN
    nulls = {k: None for k in ("original_title", "aliases", "ratings", "credits", "recap")}
    assert film_from_record({"title": "A", "year": 2000, **nulls}, "f", 1).title == "A"


def test_record_round_trip() -> None:
    record = {
        "id": "x-2001",
        "title": "X",
        "year": 2001,
        "aliases": ["Ex"],
        "ratings": {"metascore": 77, "metacritic_user": 7.6, "tomatometer": 83, "audience": 95},
        "credits": {
            "verdict": "both",
            "scenes": [
                {"position": "during", "kind": "gag", "description": "d1"},
                {"position": "after", "description": "d2", "at": "at the very end"},
            ],
            "source": "test",
        },
    }
    film = film_from_record(record, "f", 1)
    assert film_from_record(film_to_record(film), "f", 1) == film


def test_bad_json_and_duplicates(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"title": "A", "year": 2000}\n\n// a comment\n{"title": \n')
    with pytest.raises(DataError, match=r"a\.jsonl:4: invalid JSON"):
        list(iter_jsonl(path))
    path.write_text(
        json.dumps({"title": "A", "year": 2000})
        + "\n"
        + json.dumps({"title": "a", "year": 2000})
        + "\n"
    )
    with pytest.raises(DataError, match=r"a\.jsonl:2: duplicate film a \(2000\)"):
        load_films([path])
    path.write_bytes(b'{"title": "A", "year": 2000}\n\xff\xfe\n')
    with pytest.raises(DataError, match="not UTF-8"):
        list(iter_jsonl(path))
