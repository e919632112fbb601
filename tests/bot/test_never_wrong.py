"""Never a confident wrong film (issue 10): numbers and years are constraints, every script
matches, acronyms find famous films, and word overlap alone is no answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.models import Ambiguous, Film, Found, MatchMethod, NotFound, Query
from bot.normalize import initialisms, key_of, normalize
from bot.questions import parse_question
from bot.render.answer import answer_document
from bot.resolver import STOPWORDS
from bot.service import CreditsService
from bot.store.build import build_catalog

SERIES: dict[str, dict[int, str]] = {
    "Gladiator": {1: "gladiator-2000", 2: "gladiator-ii-2024"},
    "Inside Out": {1: "inside-out-2015", 2: "inside-out-2-2024"},
    "Rocky": {1: "rocky-1976", 2: "rocky-ii-1979", 3: "rocky-iii-1982", 4: "rocky-iv-1985"},
    "John Wick": {1: "john-wick-2014", 2: "john-wick-2-2017", 4: "john-wick-4-2023"},
    "Kill Bill": {1: "kill-bill-1-2003", 2: "kill-bill-2-2004"},
    "Guardians of the Galaxy": {1: "gotg-2014", 2: "gotg-2-2017", 3: "gotg-3-2023"},
    "Five Nights at Freddy's": {1: "fnaf-2023"},
    "The Devil Wears Prada": {1: "prada-2006"},
}

FILMS = [
    Film("gladiator-2000", "Gladiator", 2000, popularity=1_600_000),
    Film("gladiator-ii-2024", "Gladiator II", 2024, popularity=300_000),
    Film("inside-out-2015", "Inside Out", 2015, popularity=800_000),
    Film("inside-out-2-2024", "Inside Out 2", 2024, popularity=250_000),
    Film("rocky-1976", "Rocky", 1976, popularity=650_000),
    Film("rocky-ii-1979", "Rocky II", 1979, popularity=230_000),
    Film("rocky-iii-1982", "Rocky III", 1982, popularity=210_000),
    Film("rocky-iv-1985", "Rocky IV", 1985, popularity=240_000),
    Film("john-wick-2014", "John Wick", 2014, popularity=750_000),
    Film("john-wick-2-2017", "John Wick: Chapter 2", 2017, popularity=500_000),
    Film("john-wick-4-2023", "John Wick: Chapter 4", 2023, popularity=350_000),
    Film("kill-bill-1-2003", "Kill Bill: Vol. 1", 2003, popularity=1_200_000),
    Film("kill-bill-2-2004", "Kill Bill: Vol. 2", 2004, popularity=800_000),
    Film("gotg-2014", "Guardians of the Galaxy", 2014, popularity=1_300_000),
    Film("gotg-2-2017", "Guardians of the Galaxy Vol. 2", 2017, popularity=750_000),
    Film("gotg-3-2023", "Guardians of the Galaxy Vol. 3", 2023, popularity=400_000),
    Film("fnaf-2023", "Five Nights at Freddy's", 2023, popularity=150_000),
    Film("prada-2006", "The Devil Wears Prada", 2006, popularity=450_000),
    Film("breaking-dawn-1-2011", "The Twilight Saga: Breaking Dawn - Part 1", 2011,
         popularity=260_000),
    Film("breaking-dawn-2-2012", "The Twilight Saga: Breaking Dawn - Part 2", 2012,
         popularity=240_000),
    Film("the-lion-king-2019", "The Lion King", 2019, popularity=260_000),
    Film("space-odyssey-1968", "2001: A Space Odyssey", 1968, popularity=700_000),
    Film("2012-2009", "2012", 2009, popularity=400_000),
    Film("1917-2019", "1917", 2019, popularity=700_000),
    Film("9-2009", "9", 2009, popularity=150_000),
    Film("leviathan-2014", "Leviathan", 2014, popularity=60_000, original_title="Левиафан"),
    Film("spirited-away-2001", "Spirited Away", 2001, popularity=900_000,
         original_title="千と千尋の神隠し"),
    Film("children-of-heaven-1997", "Children of Heaven", 1997, popularity=80_000,
         aliases=("بچه‌های آسمان",)),
    Film("thor-dark-world-2013", "Thor: The Dark World", 2013, popularity=750_000),
    Film("the-dark-knight-2008", "The Dark Knight", 2008, popularity=2_900_000),
    Film("the-dark-knight-rises-2012", "The Dark Knight Rises", 2012, popularity=1_800_000),
    Film("no-way-home-2021", "Spider-Man: No Way Home", 2021, popularity=900_000),
    Film("deathly-hallows-1-2010", "Harry Potter and the Deathly Hallows: Part 1", 2010,
         popularity=600_000, aliases=("HP7",)),
    Film("the-road-2009", "The Road", 2009, popularity=240_000),
    Film("nope-2022", "Nope", 2022, popularity=250_000),
    Film("dune-1984", "Dune", 1984, popularity=170_000),
    Film("dune-2021", "Dune", 2021, popularity=900_000),
    # Two series whose names are a typo apart, and titles with the same words reordered.
    Film("jackson-prison-1990", "Jackson and the Bitter Prison", 1990, popularity=20_000),
    Film("jack-prison-2-1995", "Jack and the Bitter Prison 2", 1995, popularity=90_000),
    Film("midnight-deserts-2001", "Midnight Deserts", 2001, popularity=300_000),
    Film("deadly-school-game-1943", "Deadly School Game", 1943, popularity=145_000),
    Film("deadly-game-school-1926", "Deadly Game School", 1926, popularity=58),
    Film("victor-iris-2-1981", "Victor Iris 2", 1981, popularity=130_000),
    Film("iris-victor-2-1922", "Iris Victor 2", 1922, popularity=50_000),
    # Two typos in a short title: the film, when nothing else comes near it.
    Film("secret-king-valley-2023", "Secret King Valley", 2023, popularity=5_000),
    Film("lucky-tiger-queen-1957", "Lucky Tiger Queen", 1957, popularity=5_000),
    Film("lucky-tiger-queens-1960", "Lucky Tiger Queens", 1960, popularity=50_000),
]  # fmt: skip

NUMBERED = {film_id: n for films in SERIES.values() for n, film_id in films.items()}


@pytest.fixture(scope="module")
def catalog(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("never-wrong") / "catalog.sqlite"
    build_catalog(FILMS, path)
    return path


@pytest.fixture
async def svc(catalog: Path) -> AsyncIterator[CreditsService]:
    async with await CreditsService.open(catalog) as service:
        yield service


async def found(svc: CreditsService, text: str | Query) -> str:
    answer = await svc.ask(text)
    assert isinstance(answer, Found), f"{text!r} -> {answer}"
    return answer.film.id


async def not_found(svc: CreditsService, text: str | Query) -> NotFound:
    answer = await svc.ask(text)
    assert isinstance(answer, NotFound), f"{text!r} -> {answer}"
    return answer


# --- numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("breaking dawn part 2", "breaking-dawn-2-2012"),
        ("Breaking Dawn Part II", "breaking-dawn-2-2012"),
        ("twilight breaking dawn 1", "breaking-dawn-1-2011"),
        ("rocky 3", "rocky-iii-1982"),
        ("rocky iv", "rocky-iv-1985"),
        ("john wick chapter 2", "john-wick-2-2017"),
        ("john wick 4", "john-wick-4-2023"),
        ("kill bill vol. 2", "kill-bill-2-2004"),
        ("kil bill volume 2", "kill-bill-2-2004"),
        ("gladiator", "gladiator-2000"),  # no number: the first film
        ("gladiatr 2", "gladiator-ii-2024"),
        ("guardians of the galaxy 3", "gotg-3-2023"),
    ],
)
async def test_the_number_asked_is_the_number_answered(
    svc: CreditsService, text: str, film_id: str
) -> None:
    assert await found(svc, text) == film_id


@pytest.mark.parametrize(
    ("text", "series"),
    [
        ("Five Nights at Freddy's 2", "Five Nights at Freddy's"),
        ("The Devil Wears Prada 2", "The Devil Wears Prada"),
        ("Gladiator 3", "Gladiator"),
        ("gladiator iii", "Gladiator"),
        ("Inside Out 3", "Inside Out"),
        ("rocky v", "Rocky"),
        ("john wick chapter 3", "John Wick"),
        ("kill bill vol 3", "Kill Bill"),
        ("guardians of the galaxy vol. 4", "Guardians of the Galaxy"),
    ],
)
async def test_a_sequel_not_in_the_catalog_is_not_another_film_of_the_series(
    svc: CreditsService, text: str, series: str
) -> None:
    answer = await not_found(svc, text)
    # The films of the series it has are offered, never given as the answer.
    suggested = {c.id for c in answer.suggestions}
    assert suggested & set(SERIES[series].values()), answer
    assert answer.reason is not None and answer.reason.startswith("The catalog has ")


@pytest.mark.parametrize(
    "text",
    [
        "jackson and the bitter prison 2",
        "Jackson & the Bitter Prison II",
        "jackson bitter prison 3",
    ],
)
async def test_a_sequel_of_a_held_title_is_not_a_sequel_of_a_look_alike(
    svc: CreditsService, text: str
) -> None:
    """The catalog has "Jackson and the Bitter Prison" but not its sequel: a loose match to
    another series' second film is no answer, and the reason names the film it has."""
    answer = await not_found(svc, text)
    assert "Jackson and the Bitter Prison (1990)" in answer.reason_films
    assert "jack-prison-2-1995" in {c.id for c in answer.suggestions}
    assert await found(svc, "jack and the bitter prison 2") == "jack-prison-2-1995"


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        # Other words in another order are at most a "did you mean"...
        ("desert midnight", None),
        ("deserts midnigt", None),
        # ...so the film with the words in the typed order wins, whatever its popularity.
        ("deadly gaem school", "deadly-game-school-1926"),
        ("viictor iris 2", "victor-iris-2-1981"),
        ("iris victr 2", "iris-victor-2-1922"),
        # The same words in another order are still the film.
        ("deserts midnight", "midnight-deserts-2001"),
    ],
)
async def test_reordered_words_answer_only_when_they_are_the_same_words(
    svc: CreditsService, text: str, film_id: str | None
) -> None:
    if film_id is None:
        answer = await not_found(svc, text)
        assert "midnight-deserts-2001" in {c.id for c in answer.suggestions}
    else:
        assert await found(svc, text) == film_id


async def test_two_typos_find_a_film_only_when_nothing_else_comes_near(
    svc: CreditsService,
) -> None:
    assert await found(svc, "secret kkng vallvy") == "secret-king-valley-2023"
    # Lucky Tiger Queen scores 88, Lucky Tiger Queens 86: a choice to offer, not a guess.
    answer = await not_found(svc, "lujky tiegr queen")
    assert [c.id for c in answer.suggestions][:2] == [
        "lucky-tiger-queen-1957",
        "lucky-tiger-queens-1960",
    ]


async def test_the_reason_lists_the_series(svc: CreditsService) -> None:
    answer = await not_found(svc, "Gladiator 3")
    assert said(answer) == (
        "The catalog has Gladiator (2000) and Gladiator II (2024), but not “Gladiator 3”."
    )


def said(answer: NotFound) -> str:
    """The reply's first line, as the renderer words the reason (in English)."""
    return answer_document(answer).headline


# --- years ---------------------------------------------------------------------------


async def test_another_year_is_never_the_answer(svc: CreditsService) -> None:
    answer = await not_found(svc, "the lion king 1994")
    assert said(answer) == "The catalog has The Lion King (2019), but not The Lion King (1994)."
    assert [c.id for c in answer.suggestions] == ["the-lion-king-2019"]
    answer = await not_found(svc, Query("The Lion King", year=1994))
    assert answer.reason and "The Lion King (2019)" in said(answer)
    assert await found(svc, "the lion king 2018") == "the-lion-king-2019"  # ±1
    assert await found(svc, "the lion kng (2019)") == "the-lion-king-2019"


@pytest.mark.parametrize(
    "text", ["inside out (2010)", "gladiator 1990", "thor the dark world 2020"]
)
async def test_fuzzy_matches_keep_the_year_rule(svc: CreditsService, text: str) -> None:
    answer = await not_found(svc, text)
    assert answer.suggestions and answer.reason


async def test_same_title_other_years_are_named(svc: CreditsService) -> None:
    answer = await not_found(svc, "dune 2010")
    assert said(answer) == "The catalog has Dune (1984) and Dune (2021), but not Dune (2010)."
    assert await found(svc, "dune 1985") == "dune-1984"


# --- every script ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("Левиафан", "leviathan-2014"),
        ("левиафан 2014", "leviathan-2014"),
        ("ЛЕВИАФАН", "leviathan-2014"),
        ("левиафн", "leviathan-2014"),
        ("千と千尋の神隠し", "spirited-away-2001"),
        ("بچه‌های آسمان", "children-of-heaven-1997"),
        ("بچه های آسمان", "children-of-heaven-1997"),
    ],
)
async def test_titles_in_any_script_match(svc: CreditsService, text: str, film_id: str) -> None:
    assert await found(svc, text) == film_id


@pytest.mark.parametrize(
    "text",
    ["Левиафан 2012", "Ёлки 1917", "東京 9", "Ταινία 2012", "сказка 9", "2012 ONE", "1917 one"],
)
async def test_digits_alone_never_match(svc: CreditsService, text: str) -> None:
    answer = await svc.ask(text)
    assert not (
        isinstance(answer, Found) and answer.film.id in ("2012-2009", "1917-2019", "9-2009")
    )


@pytest.mark.parametrize(
    "text", ['"', 'Левиа"фан', '"千と千尋"', 'a "b" c', '""" OR *', 'بچه"های', 'NEAR("x")']
)
async def test_quotes_never_reach_fts5_unescaped(svc: CreditsService, text: str) -> None:
    assert isinstance(await svc.ask(text), Found | Ambiguous | NotFound)
    await svc.suggest(text, 10)


def test_normalize_keeps_every_script() -> None:
    assert normalize("Левиафан") == "левиафан"
    assert normalize("千と千尋の神隠し") == "千と千尋の神隠し"
    assert normalize("بچه‌های آسمان") == normalize("بچه های آسمان")
    assert normalize("Ёлки 2") == "елки 2"  # marks stripped, case folded
    assert normalize("Λεβιάθαν") == "λεβιαθαν"
    assert normalize("٢٠١٢") == "2012"  # any script's digits are digits
    assert key_of("Левиафан!") == key_of("левиафан")


# --- acronyms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("nwh", "no-way-home-2021"),
        ("NWH", "no-way-home-2021"),
        ("tdkr", "the-dark-knight-rises-2012"),
        ("dkr", "the-dark-knight-rises-2012"),
        ("gotg", "gotg-2014"),
        ("gotg 3", "gotg-3-2023"),
        ("GOTG2", "gotg-2-2017"),
        ("hp7", "deathly-hallows-1-2010"),  # an alias from the data
        ("nope", "nope-2022"),  # a title beats an acronym
    ],
)
async def test_acronyms(svc: CreditsService, text: str, film_id: str) -> None:
    answer = await svc.ask(text)
    assert isinstance(answer, Found) and answer.film.id == film_id, answer
    assert answer.match.method in (MatchMethod.ALIAS, MatchMethod.EXACT)


@pytest.mark.parametrize("text", ["gotg 4", "tdkr 2", "qwrt", "xqzv", "zzz", "brx", "nwhx"])
async def test_acronyms_do_not_turn_nonsense_into_films(svc: CreditsService, text: str) -> None:
    assert not isinstance(await svc.ask(text), Found)


def test_initialisms() -> None:
    assert initialisms("The Dark Knight Rises") == ["tdkr", "dkr"]
    assert initialisms("Spider-Man: No Way Home") == ["smnwh", "nwh"]
    assert initialisms("Guardians of the Galaxy Vol. 3") == ["gotg"]
    assert initialisms("Левиафан") == []
    assert initialisms("Dune") == []


# --- word overlap ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "The Odyssey",
        "odyssey",
        "the dark",
        "kings of the road",
        "the world",
        "rises",
        "galaxy galaxy 3",  # a word said twice is still one word of a longer title
        "hallows hallows",
    ],
)
async def test_a_shared_word_is_no_answer(svc: CreditsService, text: str) -> None:
    assert not isinstance(await svc.ask(text), Found)


@pytest.mark.parametrize(
    ("text", "film_id"),
    [
        ("thor the dark world", "thor-dark-world-2013"),
        ("thor dark world", "thor-dark-world-2013"),
        ("the dark night", "the-dark-knight-2008"),
        ("dark knight rises", "the-dark-knight-rises-2012"),
        ("a space odyssey", "space-odyssey-1968"),
        ("2001 space odyssy", "space-odyssey-1968"),
    ],
)
async def test_whole_titles_still_match(svc: CreditsService, text: str, film_id: str) -> None:
    assert await found(svc, text) == film_id


# --- the bundled catalog ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ("Breaking Dawn Part 2", "The Twilight Saga: Breaking Dawn – Part 2", 2012),
        ("thor the dark world", "Thor: The Dark World", 2013),
        ("the dark night", "The Dark Knight", 2008),
        ("nwh", "Spider-Man: No Way Home", 2021),
        ("tdkr", "The Dark Knight Rises", 2012),
        ("gotg 3", "Guardians of the Galaxy Vol. 3", 2023),
        ("千と千尋の神隠し", "Spirited Away", 2001),
        ("iron man 3", "Iron Man 3", 2013),
        # Once the catalog has the sequel, the number finds it (never the 2023 film).
        ("Five Nights at Freddy's 2", "Five Nights at Freddy's 2", 2025),
        ("The Devil Wears Prada 2", "The Devil Wears Prada 2", 2026),
        ("the devil wears prada", "The Devil Wears Prada", 2006),
    ],
)
async def test_bundled_catalog_finds(
    service: CreditsService, text: str, title: str, year: int
) -> None:
    answer = await service.ask(text)
    assert isinstance(answer, Found), answer
    assert (answer.film.title, answer.film.year) == (title, year)


@pytest.mark.parametrize(
    "text",
    [
        "Five Nights at Freddy's 3",
        "The Devil Wears Prada 3",
        "Gladiator 3",
        "iron man 4",
        "Левиафан 2012",
        "dune 2010",
        "the avengers 1990",
    ],
)
async def test_bundled_catalog_gives_no_wrong_film(service: CreditsService, text: str) -> None:
    assert isinstance(await service.ask(text), NotFound)


# --- properties ------------------------------------------------------------------------

_ROMAN = {2: "II", 3: "III", 4: "IV", 5: "V", 6: "VI", 7: "VII", 8: "VIII", 9: "IX"}
_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight"}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    series=st.sampled_from(sorted(SERIES)),
    n=st.integers(min_value=2, max_value=9),
    style=st.sampled_from(["digit", "roman", "part", "chapter", "vol", "word", "glued"]),
    lower=st.booleans(),
)
async def test_title_n_is_never_another_number_of_the_series(
    svc: CreditsService, series: str, n: int, style: str, lower: bool
) -> None:
    number = {
        "digit": f" {n}",
        "roman": f" {_ROMAN[n]}",
        "part": f" Part {n}",
        "chapter": f": Chapter {n}",
        "vol": f" Vol. {n}",
        "word": f" {_WORDS.get(n, n)}",
        "glued": str(n),
    }[style]
    text = series + number
    answer = await svc.ask(text.lower() if lower else text)
    if isinstance(answer, Found) and answer.film.id in NUMBERED:
        assert NUMBERED[answer.film.id] == n, (text, answer.film.id)
        assert answer.film.id == SERIES[series][n]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    letters=st.text(alphabet=st.characters(categories=["L", "M"]), min_size=2, max_size=12),
    digits=st.sampled_from(["2012", "1917", "9"]),
    noise=st.text(max_size=6),
)
async def test_any_script_never_crashes_nor_matches_on_digits_alone(
    svc: CreditsService, letters: str, digits: str, noise: str
) -> None:
    words = normalize(letters).split()
    assume(words and not any(w.isdigit() or w in STOPWORDS for w in words))
    for text in (f"{letters} {digits}", f"{digits} {letters}", f"{letters}{noise} {digits}"):
        parsed = parse_question(text)
        if parsed is not None and normalize(parsed.title) == digits:
            continue  # the letters were a greeting ("hi 2012" asks for the film "2012")
        answer = await svc.ask(text)
        assert not (isinstance(answer, Found) and answer.film.title == digits), (
            f"{text!r} -> {answer.film.id}"
        )
        await svc.suggest(text, 10)


async def test_the_reason_is_worded_in_the_askers_language(svc: CreditsService) -> None:
    from bot.i18n import translator

    answer = await not_found(svc, "dune 2010")
    spanish = answer_document(answer, t=translator("es")).headline
    assert spanish == "El catálogo tiene Dune (1984) y Dune (2021), pero no Dune (2010)."
