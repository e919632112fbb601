from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.normalize import normalize
from bot.questions import parse_question


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        ("does iron man have an end credit scene?", "iron man", None),
        ("Does Children of Heaven have end credit scenes?", "Children of Heaven", None),
        ("does Thor: Ragnarok have a post-credits scene", "Thor: Ragnarok", None),
        ("does shrek 2 have anything after the credits", "shrek 2", None),
        ("do the avengers have mid credit scenes", "the avengers", None),
        ("anything after the credits of black widow", "black widow", None),
        ("anything during the credits in Eternals?", "Eternals", None),
        ("what happens after the credits of Deadpool", "Deadpool", None),
        ("thor ragnarok post credits?", "thor ragnarok", None),
        ("Spider-Man: No Way Home - any mid credits scenes", "Spider-Man: No Way Home", None),
        ("barbie end credits scene", "barbie", None),
        ("should I stay after thor ragnarok", "thor ragnarok", None),
        ("should i stay for the credits of Wicked?", "Wicked", None),
        ("do I need to stay for the end credits of The Marvels?", "The Marvels", None),
        ("is it worth staying after the credits of Barbie?", "Barbie", None),
        ("worth staying for dune part two", "dune part two", None),
        ("is there a stinger in Avengers: Endgame", "Avengers: Endgame", None),
        ("is there a post credit scene in 2012", "2012", None),
        ("is there an after credits scene for Wall-E", "Wall-E", None),
        ("are there any scenes after the credits in Cars 3?", "Cars 3", None),
        ("mid credits scene in Eternals?", "Eternals", None),
        ("post credit scenes for guardians of the galaxy 2?", "guardians of the galaxy 2", None),
        (
            "any post credit scenes for guardians of the galaxy 2?",
            "guardians of the galaxy 2",
            None,
        ),
        ("credits for iron man 3", "iron man 3", None),
        ("stinger in john wick", "john wick", None),
        (
            "hey bot, does the dark knight have a post-credits scene? thanks",
            "the dark knight",
            None,
        ),
        ("children of heavn", "children of heavn", None),
        ("Blade Runner 2049", "Blade Runner 2049", None),
        ("Dune (2021)", "Dune", 2021),
        ("should i stay after dune from 2021", "dune", 2021),
        ("“Amélie”", "Amélie", None),
        ("the lego movie", "the lego movie", None),
        ("Movie 43", "Movie 43", None),
        ("The movie Barbie", "Barbie", None),
        ("I, Robot?", "I, Robot", None),
        # A title that opens with a preposition is a title, not "<preposition> X".
        ("Of Mice and Men", "Of Mice and Men", None),
        ("For a Few Dollars More", "For a Few Dollars More", None),
        ("In the Mood for Love", "In the Mood for Love", None),
        ("After 2012", "After 2012", None),
        ("after credits scene for dune", "dune", None),
        # Nor is a title that opens with a word describing a scene but naming none.
        ("The Secret of Kells", "The Secret of Kells", None),
        ("the secret of my success", "the secret of my success", None),
        ("End of Watch", "End of Watch", None),
        ("The End of the Tour", "The End of the Tour", None),
        ("the end credits of dune", "dune", None),
        ("post credits for dune", "dune", None),
    ],
)
def test_phrasings(text: str, title: str, year: int | None) -> None:
    parsed = parse_question(text)
    assert parsed is not None
    assert normalize(parsed.title) == normalize(title)
    assert parsed.year == year


@pytest.mark.parametrize("text", ["", "   ", "???", "!!!", "\u200f\u200e", "\x00\x01"])
def test_nothing_to_ask_about(text: str) -> None:
    assert parse_question(text) is None


def test_long_text_is_cut() -> None:
    parsed = parse_question("does " + "a" * 10_000 + " have a post credit scene?")
    assert parsed is not None
    assert len(parsed.title) <= 300


@given(st.text(max_size=500))
def test_parser_never_crashes(text: str) -> None:
    parsed = parse_question(text)
    if parsed is not None:
        assert parsed.title.strip()
        assert any(ch.isalnum() for ch in parsed.title)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # Spanish
        ("¿tiene escena post créditos Iron Man?", "Iron Man"),
        ("¿Iron Man tiene escenas después de los créditos?", "Iron Man"),
        ("hay escena post creditos en Thor: Ragnarok", "Thor: Ragnarok"),
        ("la película Coco tiene escena post créditos", "Coco"),
        # Brazilian Portuguese
        ("Iron Man tem cena pós-créditos", "Iron Man"),
        ("tem cena pós-créditos em Thor: Ragnarok?", "Thor: Ragnarok"),
        ("Duna tem cena depois dos créditos?", "Duna"),
        # French
        ("Iron Man a-t-il une scène post-générique", "Iron Man"),
        ("y a-t-il une scène après le générique dans Barbie ?", "Barbie"),
        # German
        ("hat Iron Man eine Post-Credit-Szene", "Iron Man"),
        ("gibt es eine Szene nach dem Abspann bei Dune?", "Dune"),
        ("Der Film Barbie hat eine Post-Credit-Szene?", "Barbie"),
        ("Iron Man Abspannszene", "Iron Man"),
        # Russian (the title keeps the case it was asked in)
        ("есть ли сцена после титров в Мстителях", "Мстителях"),
        ("у Железного человека есть сцена после титров?", "Железного человека"),
        ("Мстители сцена после титров", "Мстители"),
        # Persian (Arabic yeh and kaf are read as Persian ones)
        ("آیا مرد آهنی صحنه پس از تیتراژ دارد", "مرد آهنی"),
        ("آیا در فیلم بچه‌های آسمان صحنه‌ای بعد از تیتراژ هست؟", "بچه‌های آسمان"),
        ("آيا مرد آهني صحنه پس از تيتراژ دارد؟", "مرد آهني"),
    ],
)
def test_phrasings_in_other_languages(text: str, title: str) -> None:
    parsed = parse_question(text)
    assert parsed is not None
    assert normalize(parsed.title) == normalize(title)


@pytest.mark.parametrize("title", ["Film Stars Don't Die in Liverpool", "Hat Trick", "Tem"])
def test_question_words_of_other_languages_leave_plain_titles_alone(title: str) -> None:
    parsed = parse_question(title)
    assert parsed is not None and parsed.title == title
