"""The bundled catalog itself: schema, duplicates, scenes, synopses, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.models import Found, Verdict
from bot.normalize import normalize
from bot.records import Located
from bot.service import CreditsService

SEED = Path(__file__).resolve().parents[2] / "shared" / "seeds" / "000_a1d7495195fd799d.txt"


def test_no_duplicate_title_year(bundled_films: list[Located]) -> None:
    keys = [(normalize(x.film.title), x.film.year) for x in bundled_films]
    assert len(keys) == len(set(keys))
    ids = [x.film.id for x in bundled_films]
    assert len(ids) == len(set(ids))


def test_every_film_has_year_synopsis_and_a_sourced_verdict(bundled_films: list[Located]) -> None:
    for item in bundled_films:
        film, where = item.film, f"{item.path}:{item.line}"
        assert film.synopsis, f"{where}: no synopsis"
        assert film.directors and film.runtime_minutes, f"{where}: no directors or runtime"
        if film.credits.verdict.recorded:
            assert film.credits.source, f"{where}: verdict without a source"


def test_every_scene_has_a_position_and_a_description(bundled_films: list[Located]) -> None:
    for item in bundled_films:
        for scene in item.film.credits.scenes:
            assert scene.position is not None
            assert scene.description and len(scene.description) >= 10, f"{item.path}:{item.line}"


def test_verdicts_agree_with_scenes(bundled_films: list[Located]) -> None:
    for item in bundled_films:
        c = item.film.credits
        if c.verdict is Verdict.NONE or c.verdict is Verdict.UNKNOWN:
            assert not c.scenes
        elif c.verdict is Verdict.DURING:
            assert c.during and not c.after
        elif c.verdict is Verdict.AFTER:
            assert c.after and not c.during
        else:
            assert c.during and c.after


def test_at_least_500_recorded_verdicts_of_every_kind(bundled_films: list[Located]) -> None:
    verdicts = [x.film.credits.verdict for x in bundled_films]
    assert sum(v.recorded for v in verdicts) >= 500
    for verdict in Verdict:
        assert verdicts.count(verdict) >= 5, verdict


def test_children_of_heaven_carries_the_seed_page(bundled_films: list[Located]) -> None:
    film = next(x.film for x in bundled_films if x.film.id == "children-of-heaven-1997")
    assert film.credits.verdict is Verdict.NONE
    assert film.runtime_minutes == 89 and film.box_office == "$382K"
    r = film.ratings
    assert (r.metascore, r.metacritic_user, r.tomatometer, r.audience) == (77, 7.6, 83, 95)
    assert film.synopsis and film.recap and film.original_title
    if SEED.exists():  # our synopsis and recap are our own words, not the page's
        page = SEED.read_text(encoding="utf-8")
        for sentence in (film.synopsis + " " + film.recap).split(". "):
            assert sentence.strip() not in page or len(sentence) < 25


FRANCHISES = [
    ("iron man", "Iron Man"),
    ("avengers endgame", "Avengers: Endgame"),
    ("spider-man no way home", "Spider-Man: No Way Home"),
    ("into the spider-verse", "Spider-Man: Into the Spider-Verse"),
    ("deadpool 2", "Deadpool 2"),
    ("x-men days of future past", "X-Men: Days of Future Past"),
    ("man of steel", "Man of Steel"),
    ("toy story 2", "Toy Story 2"),
    ("frozen", "Frozen"),
    ("kung fu panda", "Kung Fu Panda"),
    ("despicable me", "Despicable Me"),
    ("star wars the last jedi", "Star Wars: The Last Jedi"),
    ("harry potter and the prisoner of azkaban", "Harry Potter and the Prisoner of Azkaban"),
    ("fantastic beasts and where to find them", "Fantastic Beasts and Where to Find Them"),
    ("return of the king", "The Lord of the Rings: The Return of the King"),
    ("the hobbit an unexpected journey", "The Hobbit: An Unexpected Journey"),
    ("pirates of the caribbean at world's end", "Pirates of the Caribbean: At World's End"),
    ("fast five", "Fast Five"),
    ("mission impossible fallout", "Mission: Impossible – Fallout"),
    ("john wick chapter 4", "John Wick: Chapter 4"),
    ("jurassic world", "Jurassic World"),
    ("bumblebee", "Bumblebee"),
    ("godzilla vs kong", "Godzilla vs. Kong"),
    ("ghostbusters afterlife", "Ghostbusters: Afterlife"),
    ("the hangover", "The Hangover"),
    ("kingsman the golden circle", "Kingsman: The Golden Circle"),
    ("skyfall", "Skyfall"),
    ("ferris bueller's day off", "Ferris Bueller's Day Off"),
    ("the shawshank redemption", "The Shawshank Redemption"),
]


@pytest.mark.parametrize(("query", "title"), FRANCHISES)
async def test_each_franchise_is_answered(service: CreditsService, query: str, title: str) -> None:
    answer = await service.ask(query)
    assert isinstance(answer, Found), f"{query!r} -> {answer}"
    assert normalize(answer.film.title) == normalize(title)
