from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.normalize import compact, key_of, normalize, trigrams


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("wizard of oz", "The Wizard of Oz"),
        ("avengers", "Avengers, The"),
        ("rocky 2", "Rocky II"),
        ("guardians of the galaxy 2", "Guardians of the Galaxy Vol. 2"),
        ("guardians of the galaxy volume 2", "Guardians of the Galaxy Vol. 2"),
        ("avengers endgame", "Avengers: Endgame"),
        ("wall e", "WALL·E"),
        ("amelie", "Amélie"),
        ("fast and furious", "Fast & Furious"),
        ("dune part two", "Dune: Part Two"),
        ("dune 2", "Dune: Part Two"),
        ("john wick 4", "John Wick: Chapter 4"),
        ("kill bill vol 1", "Kill Bill: Vol. 1"),
        ("star wars episode iv: a new hope", "Star Wars: Episode IV – A New Hope"),
        ("lord of the rings return of the king", "The Lord of the Rings: The Return of the King"),
        ("oceans eleven", "Ocean's Eleven"),
        ("SPIDER-MAN", "Spider-Man"),
    ],
)
def test_typed_forms_meet_the_title(typed: str, title: str) -> None:
    assert normalize(typed) == normalize(title)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Iron Man", "Iron Man 2"),
        ("I, Robot", "Robot"),
        ("Rocky", "Rocky II"),
        ("Dune", "Dune: Part Two"),
        ("1917", "1918"),
    ],
)
def test_different_films_stay_apart(a: str, b: str) -> None:
    assert key_of(a) != key_of(b)


def test_roman_numerals_only_at_the_end_or_before_a_subtitle() -> None:
    assert normalize("I, Robot") == "i robot"
    assert normalize("X") == "x"
    assert normalize("Rocky IV") == "rocky 4"
    assert (
        normalize("Star Wars: Episode VI - Return of the Jedi") == "star wars 6 return of the jedi"
    )
    assert normalize("Chapter 4") == "chapter 4"  # a lone marker and number is a title


def test_compact_joins_split_words() -> None:
    assert compact(normalize("spiderman")) == compact(normalize("Spider-Man"))
    assert key_of("Wall-E") == key_of("WALL·E")


def test_numbers_that_are_titles_survive() -> None:
    for title in ("2012", "1917", "42", "9", "Se7en", "Blade Runner 2049", "Wonder Woman 1984"):
        assert normalize(title) == title.lower()


def test_trigrams_are_padded_and_distinct() -> None:
    assert trigrams("up") == [" up", "up "]
    assert trigrams("aaaa") == [" aa", "aaa", "aa "]


@given(st.text(max_size=300))
def test_normalize_never_fails_and_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert isinstance(once, str)
    assert normalize(once) == normalize(normalize(once))
