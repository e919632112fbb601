"""Resolution over a small hand-made catalog (exact behaviour) and the bundled one."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import Ambiguous, Credits, Film, Found, MatchMethod, NotFound, Verdict
from bot.resolver import score, split_year
from bot.service import CreditsService
from bot.store.build import build_catalog
from bot.store.schema import KIND_ALIAS

FILMS = [
    Film("iron-man-2008", "Iron Man", 2008, popularity=1_100_000),
    Film("iron-man-2-2010", "Iron Man 2", 2010, popularity=850_000),
    Film("dune-1984", "Dune", 1984, popularity=170_000, directors=("David Lynch",)),
    Film("dune-2021", "Dune", 2021, popularity=900_000, directors=("Denis Villeneuve",)),
    Film("dune-part-two-2024", "Dune: Part Two", 2024, popularity=600_000),
    Film("scarface-1932", "Scarface", 1932, popularity=30_000),
    Film("scarface-1983", "Scarface", 1983, popularity=900_000),
    Film("2012-2009", "2012", 2009, popularity=400_000),
    Film("1917-2019", "1917", 2019, popularity=700_000),
    Film("blade-runner-1982", "Blade Runner", 1982, popularity=800_000),
    Film("blade-runner-2049-2017", "Blade Runner 2049", 2017, popularity=650_000),
    Film("wonder-woman-1984-2020", "Wonder Woman 1984", 2020, popularity=300_000),
    Film("rocky-ii-1979", "Rocky II", 1979, popularity=230_000),
    Film("i-robot-2004", "I, Robot", 2004, popularity=590_000),
    Film("amelie-2001", "Amélie", 2001, popularity=800_000, aliases=("Le Fabuleux Destin d'Amélie Poulain",)),
    Film("wall-e-2008", "WALL·E", 2008, popularity=1_200_000),
    Film("spider-man-2002", "Spider-Man", 2002, popularity=900_000),
    Film("the-dark-knight-2008", "The Dark Knight", 2008, popularity=2_900_000),
    Film("the-road-2009", "The Road", 2009, popularity=240_000),
    Film("mame-1974", "Mame", 1974, popularity=3_000),
    Film("the-wizard-of-oz-1939", "The Wizard of Oz", 1939, popularity=430_000),
    Film(
        "avengers-endgame-2019", "Avengers: Endgame", 2019, popularity=1_300_000,
        aliases=("Endgame",), credits=Credits(Verdict.AFTER, source="test"),
    ),
    Film("thor-ragnarok-2017", "Thor: Ragnarok", 2017, popularity=800_000),
    Film("the-avengers-2012", "The Avengers", 2012, popularity=1_500_000),
    Film(
        "guardians-of-the-galaxy-vol-2-2017", "Guardians of the Galaxy Vol. 2", 2017,
        popularity=750_000, aliases=("GotG Vol. 2",),
    ),
    Film(
        "pirates-black-pearl-2003", "Pirates of the Caribbean: The Curse of the Black Pearl",
        2003, popularity=1_200_000,
    ),
    Film("children-of-heaven-1997", "Children of Heaven", 1997, popularity=80_000,
         original_title="Bacheha-Ye aseman"),
    Film("black-widow-2021", "Black Widow", 2021, popularity=430_000),
    Film("the-lion-king-1994", "The Lion King", 1994, popularity=1_150_000),
    Film("the-lion-king-2019", "The Lion King", 2019, popularity=260_000),
]  # fmt: skip


@pytest.fixture(scope="module")
def small_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("small") / "small.sqlite"
    build_catalog(FILMS, path)
    return path


@pytest.fixture
async def small(small_catalog: Path) -> AsyncIterator[CreditsService]:
    async with await CreditsService.open(small_catalog) as svc:
        yield svc


async def found_id(svc: CreditsService, text: str) -> str:
    answer = await svc.ask(text)
    assert isinstance(answer, Found), f"{text!r} -> {answer}"
    return answer.film.id


# Every example of DATA.md's "Title matching" list.
@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("wizard of oz", "the-wizard-of-oz-1939"),
        ("Wizard of Oz, The", "the-wizard-of-oz-1939"),
        ("Avengers, The", "the-avengers-2012"),
        ("the avengers", "the-avengers-2012"),
        ("Dune 2021", "dune-2021"),
        ("Dune 1984", "dune-1984"),
        ("dune (2020)", "dune-2021"),  # release years differ by country: ±1
        ("2012", "2012-2009"),
        ("1917", "1917-2019"),
        ("Blade Runner 2049", "blade-runner-2049-2017"),
        ("blade runner", "blade-runner-1982"),
        ("Wonder Woman 1984", "wonder-woman-1984-2020"),
        ("Iron Man 2", "iron-man-2-2010"),
        ("iron man", "iron-man-2008"),
        ("iron man 1", "iron-man-2008"),
        ("Rocky 2", "rocky-ii-1979"),
        ("rocky ii", "rocky-ii-1979"),
        ("I, Robot", "i-robot-2004"),
        ("i robot", "i-robot-2004"),
        ("guardians of the galaxy 2", "guardians-of-the-galaxy-vol-2-2017"),
        ("gotg vol 2", "guardians-of-the-galaxy-vol-2-2017"),
        ("avengers endgame", "avengers-endgame-2019"),
        ("endgame", "avengers-endgame-2019"),
        ("pirates of the caribbean black pearl", "pirates-black-pearl-2003"),
        ("wall e", "wall-e-2008"),
        ("walle", "wall-e-2008"),
        ("amelie", "amelie-2001"),
        ("spiderman", "spider-man-2002"),
        ("children of heavn", "children-of-heaven-1997"),
        ("Bacheha-ye aseman", "children-of-heaven-1997"),
        ("thor ragnarock", "thor-ragnarok-2017"),
        ("the dark night", "the-dark-knight-2008"),
        ("does iron man have an end credit scene?", "iron-man-2008"),
        ("anything after the credits of black widow", "black-widow-2021"),
        ("should I stay after thor ragnarok", "thor-ragnarok-2017"),
        ("scarface", "scarface-1983"),  # far more famous than the 1932 film
    ],
)
async def test_data_md_examples(small: CreditsService, text: str, film_id: str) -> None:
    assert await found_id(small, text) == film_id


async def test_exact_match_reports_method(small: CreditsService) -> None:
    answer = await small.ask("Avengers: Endgame")
    assert isinstance(answer, Found)
    assert answer.match.method is MatchMethod.EXACT
    alias = await small.ask("Endgame")
    assert isinstance(alias, Found) and alias.match.method is MatchMethod.ALIAS
    fuzzy = await small.ask("thor ragnarock")
    assert isinstance(fuzzy, Found) and fuzzy.match.method is MatchMethod.FUZZY
    assert 90 <= fuzzy.match.score < 100


async def test_same_title_without_year_is_a_choice(small: CreditsService) -> None:
    answer = await small.ask("dune")
    assert isinstance(answer, Ambiguous)
    assert {c.id for c in answer.candidates} == {"dune-1984", "dune-2021"}
    assert answer.candidates[0].id == "dune-2021"  # the famous one first
    assert answer.candidates[1].directors == ("David Lynch",)
    lion = await small.ask("the lion king")
    assert isinstance(lion, Ambiguous)


async def test_runners_up_are_offered(small: CreditsService) -> None:
    answer = await small.ask("scarface")
    assert isinstance(answer, Found)
    assert [c.id for c in answer.others] == ["scarface-1932"]


@pytest.mark.parametrize(
    "text",
    ["kiqgs of hte road", "qwertyuiop", "zorbulon the magnificent", "brazor quimel", "xx", "q"],
)
async def test_nonsense_is_not_found(small: CreditsService, text: str) -> None:
    answer = await small.ask(text)
    assert isinstance(answer, NotFound), answer


async def test_avengers_endgame_never_matches_mame(small: CreditsService) -> None:
    assert await found_id(small, "avengers endgame") != "mame-1974"


async def test_near_miss_offers_suggestions(small: CreditsService) -> None:
    answer = await small.ask("children of heaviness")
    assert isinstance(answer, NotFound)
    assert [c.id for c in answer.suggestions][:1] == ["children-of-heaven-1997"]


async def test_empty_question_gets_a_reason(small: CreditsService) -> None:
    answer = await small.ask("   ?? ")
    assert isinstance(answer, NotFound) and answer.reason


async def test_film_by_id(small: CreditsService) -> None:
    answer = await small.film("dune-1984")
    assert isinstance(answer, Found) and answer.match.method is MatchMethod.ID
    assert isinstance(await small.film("no-such-film"), NotFound)


async def test_suggest_prefixes_popular_first(small: CreditsService) -> None:
    choices = await small.suggest("iron", 25)
    assert [c.id for c in choices][:2] == ["iron-man-2008", "iron-man-2-2010"]
    assert [c.label for c in await small.suggest("the dark", 5)] == ["The Dark Knight (2008)"]
    assert len(await small.suggest("", 5)) == 5
    assert len(await small.suggest("d", 2)) == 2
    assert (await small.suggest("childern of heaven", 5))[0].id == "children-of-heaven-1997"
    assert await small.suggest("iron", 0) == []


def test_split_year() -> None:
    assert split_year("dune 2021") == ("dune", 2021)
    assert split_year("Dune (1984)") == ("Dune", 1984)
    assert split_year("1917") is None
    assert split_year("2012") is None


def test_score_is_strict_with_short_titles_inside_long_queries() -> None:
    assert score("kiqgs of hte road", "road") < 90
    assert score("avengers endgame", "mame") < 50
    assert score("9", "fast 9") < 90


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=400))
async def test_resolver_never_crashes(small: CreditsService, text: str) -> None:
    answer = await small.ask(text)
    assert isinstance(answer, Found | Ambiguous | NotFound)
    await small.suggest(text, 25)


SEQUELS = [
    Film("hotel-transylvania-2012", "Hotel Transylvania", 2012),
    Film("hotel-transylvania-3-2018", "Hotel Transylvania 3: Summer Vacation", 2018),
    Film("the-terminator-1984", "The Terminator", 1984),
    Film("terminator-2-1991", "Terminator 2: Judgment Day", 1991),
    Film("fantastic-four-2005", "Fantastic Four", 2005),
    Film("fantastic-4-2007", "Fantastic 4: Rise of the Silver Surfer", 2007),
    Film("2001-1968", "2001: A Space Odyssey", 1968),
    Film("step-up-2006", "Step Up", 2006),
    Film("step-up-2-2008", "Step Up 2: The Streets", 2008),
    Film("step-up-2-2099", "Step Up 2", 2099),
]


def _catalog(factory: pytest.TempPathFactory, name: str, films: list[Film]) -> Path:
    path = factory.mktemp(name) / f"{name}.sqlite"
    build_catalog(films, path)
    return path


async def found_in(db: Path, text: str) -> str:
    async with await CreditsService.open(db) as svc:
        return await found_id(svc, text)


@pytest.fixture(scope="module")
def sequels_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _catalog(tmp_path_factory, "sequels", SEQUELS)


def test_a_sequel_is_also_named_by_its_numbered_main_title(sequels_catalog: Path) -> None:
    """Only where the series' first film is held under the bare main title and no film
    already has that name; never a main title that is a number alone."""
    with sqlite3.connect(sequels_catalog) as conn:
        rows = conn.execute(
            "SELECT f.id, n.name FROM names n JOIN films f ON f.rid = n.film WHERE n.kind = ?",
            (KIND_ALIAS,),
        ).fetchall()
    assert sorted(rows) == [
        ("hotel-transylvania-3-2018", "Hotel Transylvania 3"),
        ("terminator-2-1991", "Terminator 2"),
    ]


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("hotel transylvania 3", "hotel-transylvania-3-2018"),
        ("Terminator 2", "terminator-2-1991"),
        ("hotel transylvania", "hotel-transylvania-2012"),
        ("terminator", "the-terminator-1984"),
    ],
)
async def test_a_sequel_typed_by_its_main_title_is_found(
    sequels_catalog: Path, text: str, film_id: str
) -> None:
    assert await found_in(sequels_catalog, text) == film_id


LOOKALIKES = [
    Film(
        "transformers-2007", "Transformers", 2007, popularity=700_000, aliases=("Transformers 1",)
    ),
    Film("transformers-one-2024", "Transformers One", 2024, popularity=60_000),
    Film("heat-1995", "Heat", 1995, popularity=750_000),
    Film("the-heat-2013", "The Heat", 2013, popularity=190_000),
    Film("scarface-1932", "Scarface", 1932, popularity=30_000),
    Film("scarface-1983", "Scarface", 1983, popularity=900_000),
]


@pytest.fixture(scope="module")
def lookalikes_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _catalog(tmp_path_factory, "lookalikes", LOOKALIKES)


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("transformers one", "transformers-one-2024"),
        ("Transformers 1", "transformers-2007"),
        ("the heat", "the-heat-2013"),
        ("heat", "heat-1995"),
        ("scarface", "scarface-1983"),  # both spelt as typed: the popular one, as before
    ],
)
async def test_names_that_normalise_alike_go_to_the_one_spelt_as_typed(
    lookalikes_catalog: Path, text: str, film_id: str
) -> None:
    assert await found_in(lookalikes_catalog, text) == film_id


GREETING_TITLES = [
    Film("one-for-the-money-2012", "One for the Money", 2012, popularity=50_000),
    Film("money-2019", "Money", 2019, popularity=900_000),
    Film("hello-my-name-is-doris-2015", "Hello, My Name Is Doris", 2015, popularity=30_000),
    Film("no-thanks-2014", "No Thanks", 2014, popularity=1_000),
    Film("no-2012", "No", 2012, popularity=40_000),
]


@pytest.fixture(scope="module")
def greetings_catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _catalog(tmp_path_factory, "greetings", GREETING_TITLES)


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("One for the Money", "one-for-the-money-2012"),
        ("hello, my name is doris", "hello-my-name-is-doris-2015"),
        ("No Thanks", "no-thanks-2014"),
        # a greeting or a question around a title is still read as one
        ("hello, does money have a post credit scene?", "money-2019"),
        ("no thanks?", "no-thanks-2014"),
        ("does one for the money have an end credits scene", "one-for-the-money-2012"),
    ],
)
async def test_a_title_that_looks_like_a_greeting_or_a_question_is_the_title(
    greetings_catalog: Path, text: str, film_id: str
) -> None:
    assert await found_in(greetings_catalog, text) == film_id
