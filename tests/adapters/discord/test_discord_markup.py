"""Markup: escaping, spoilers and limits, as properties over generated films and the catalog."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import discord
import pytest
from discord_testkit import limit_problems, read_markdown, squash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.markup import (
    CONTENT_LIMIT,
    clean,
    document_embeds,
    document_text,
    escape,
    escape_trimmed,
    run_pieces,
)
from bot.models import Credits, Film, NotFound, Position, Ratings, Scene, Verdict
from bot.records import Located
from bot.render.answer import answer_document, film_document, recap_document
from bot.render.document import Document, Spoiler

MARK = "Ω"
"""Only spoiler text contains this character, so it must only ever show inside ||…||."""

HOSTILE_BITS = [
    "||",
    "|",
    "\\",
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```",
    ">",
    "> ",
    "# ",
    "-# ",
    "- ",
    "1. ",
    "[x](https://e.com)",
    "https://e.com/a_b~c",
    "<@123456789012345678>",
    "<@&123456789012345678>",
    "<#123456789012345678>",
    "<t:0:R>",
    "@everyone",
    "@here",
    "\n",
    "\n\n",
    " ",
    "\x00",
    "\u202e",
    "🎬",
    "ω",
]


def hostile_text(*, spoiler: bool, max_size: int = 40) -> st.SearchStrategy[str]:
    alphabet = st.characters(codec="utf-8", exclude_characters=MARK)
    bits = st.sampled_from(HOSTILE_BITS) | st.text(alphabet, max_size=8)
    if spoiler:
        bits = bits | st.just(MARK) | st.just(MARK * 3)
    return st.lists(bits, max_size=max_size).map("".join)


def messages_of(doc: Document) -> list[dict[str, Any]]:
    return [
        {"embeds": [e.to_dict() for e in embeds], "allowed_mentions": {"parse": []}}
        for embeds in document_embeds(doc)
    ]


def strings(message: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(Markdown strings, plain strings) of a message."""
    md: list[str] = []
    plain: list[str] = []
    for e in message["embeds"]:
        md += [e.get("title") or "", e.get("description") or ""]
        md += [x for f in e.get("fields") or [] for x in (f["name"], f["value"])]
        plain += [
            (e.get("author") or {}).get("name") or "",
            (e.get("footer") or {}).get("text") or "",
        ]
    return md, plain


def check_document(doc: Document) -> None:
    """The property: within limits; spoiler text only and entirely inside balanced ||…||."""
    shown_inside: list[str] = []
    for message in messages_of(doc):
        assert not limit_problems(message), limit_problems(message)
        md, plain = strings(message)
        for text in md:
            read = read_markdown(text)
            assert read.balanced, text
            assert MARK not in read.outside, text
            assert "@everyone" not in text and "@here" not in text
            shown_inside += read.spoilers
        for text in plain:
            assert MARK not in text
    expected = "".join(clean(s) for s in doc.spoilers())
    assert squash("".join(shown_inside)) == squash(expected)


@st.composite
def films(draw: st.DrawFn) -> Film:
    verdict = draw(st.sampled_from(list(Verdict)))
    positions = {
        Verdict.DURING: [Position.DURING],
        Verdict.AFTER: [Position.AFTER],
        Verdict.BOTH: [Position.DURING, Position.AFTER],
    }.get(verdict, [])
    scenes = tuple(
        Scene(
            draw(st.sampled_from(positions)),
            draw(hostile_text(spoiler=True, max_size=60)) or None,
            draw(st.none() | st.sampled_from(["gag", "sequel-setup"])),
            draw(st.none() | hostile_text(spoiler=False, max_size=5)),
        )
        for _ in range(draw(st.integers(0, 4) if positions else st.just(0)))
    )
    return Film(
        id="generated-2000",
        title=draw(hostile_text(spoiler=False, max_size=10)) or "T",
        year=draw(st.integers(1870, 2100)),
        directors=tuple(draw(st.lists(hostile_text(spoiler=False, max_size=4), max_size=3))),
        runtime_minutes=draw(st.none() | st.integers(1, 900)),
        ratings=Ratings(metascore=draw(st.none() | st.integers(0, 100))),
        synopsis=draw(st.none() | hostile_text(spoiler=False, max_size=80)),
        recap=draw(st.none() | hostile_text(spoiler=True, max_size=200)),
        credits=Credits(verdict, scenes, draw(st.none() | hostile_text(spoiler=False))),
    )


@settings(max_examples=150, deadline=None)
@given(films())
def test_generated_films_keep_spoilers_inside(film: Film) -> None:
    check_document(film_document(film))
    check_document(recap_document(film))


def test_every_bundled_film_keeps_spoilers_inside(content_films: list[Located]) -> None:
    assert len(content_films) > 50
    for located in content_films:
        film = located.film
        # The answer with its recap holds everything the answer alone and the recap hold.
        for doc in (film_document(film, include_recap=True),):
            check_document(doc)
            for message in messages_of(doc):
                md, _ = strings(message)
                outside = squash("".join(read_markdown(t).outside for t in md))
                premise = squash(film.synopsis or "")
                for secret in doc.spoilers():
                    if squash(secret)[:20] in premise:
                        continue  # a recap may open with the premise the synopsis states
                    assert squash(secret)[:20] not in outside, (film.id, secret)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_bundled_films_with_hostile_spoilers(
    bundled_films: list[Located], data: st.DataObject
) -> None:
    film = data.draw(st.sampled_from(bundled_films)).film
    scenes = tuple(
        replace(s, description=data.draw(hostile_text(spoiler=True, max_size=80)) or None)
        for s in film.credits.scenes
    )
    hostile = replace(
        film,
        title=data.draw(hostile_text(spoiler=False, max_size=10)) or film.title,
        recap=data.draw(st.none() | hostile_text(spoiler=True, max_size=300)),
        credits=replace(film.credits, scenes=scenes),
    )
    check_document(film_document(hostile))
    check_document(recap_document(hostile))


def test_a_long_recap_splits_into_closed_spoilers_across_messages() -> None:
    paragraph = f"{MARK} " + "plot ||twist|| \\ @everyone " * 300
    film = Film(id="long-2000", title="Long", year=2000, recap="\n".join([paragraph] * 8))
    doc = recap_document(film)
    messages = messages_of(doc)
    assert len(messages) >= 3
    check_document(doc)


def test_a_single_huge_word_is_split_without_breaking_escapes() -> None:
    word = "\\|" * 5000
    pieces = run_pieces(Spoiler(word), 4096)
    assert len(pieces) >= 5
    joined = ""
    for piece in pieces:
        assert len(piece) <= 4096
        read = read_markdown(piece)
        assert read.balanced and read.outside == ""
        joined += "".join(read.spoilers)
    assert joined == word


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**x**", r"\*\*x\*\*"),
        ("a || b", r"a \|\| b"),
        ("back\\", "back\\\\"),
        ("@everyone @here", "@\u200beveryone @\u200bhere"),
        ("<@123456789012345678>", "\\<@\u200b123456789012345678\\>"),
        ("# h", r"\# h"),
        ("1. one\n2. two", "1\\. one\n2\\. two"),
        ("Spider-Man 2", r"Spider\-Man 2"),
        ("see https://e.com/a_b", "see https://e.com/a_b"),
        ("https://e.com/||x", r"https://e.com/\|\|x"),
        ("tab\tnul\x00bell\x07", "tab\tnulbell"),
    ],
)
def test_escape(raw: str, escaped: str) -> None:
    assert escape(raw) == escaped


def test_escape_trimmed_never_cuts_an_escape() -> None:
    for limit in range(2, 40):
        text = escape_trimmed("|" * 100, limit)
        assert len(text) <= limit
        assert text.endswith("…")
        assert read_markdown(text).balanced
        assert text[:-1].count("\\") == text[:-1].count("|")


def test_document_text_for_a_huge_query_fits_one_message() -> None:
    doc = answer_document(NotFound(query="q" * 10_000))
    (text,) = document_text(doc)[:1]
    assert len(text) <= CONTENT_LIMIT


def test_embed_colour_follows_the_verdict() -> None:
    colours = set()
    for verdict in Verdict:
        film = Film(id="x-2000", title="X", year=2000, credits=Credits(verdict))
        (first,) = document_embeds(film_document(film))[0][:1]
        assert isinstance(first, discord.Embed)
        colours.add(first.colour)
    assert len(colours) == len(Verdict)
