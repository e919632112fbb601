"""Document -> Telegram HTML: escaping, spoilers, and splitting at 4096 UTF-16 units.

Properties are checked with hypothesis over generated documents and over every film of
the bundled catalog; the checker is the same strict parser the fake Bot API server uses.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tg_catalog import content_films
from tg_html import parse, utf16_len

from adapters.telegram import markup
from bot.models import Film, Found, Match, MatchMethod, Verdict
from bot.render.answer import answer_document, film_document, recap_document, verdict_words
from bot.render.document import Document, Field, Fields, Paragraph, Section, Spoiler, Style, Text

HOSTILE_CHARS = "<>&@;#/\"'\n\t \x00\x1b\u202e\u2060🎬é"
# Plain text never uses capital letters here and spoilers use nothing else (plus hostile
# characters), so a capital letter outside a spoiler is a leak.
plain_text = st.text(alphabet=st.sampled_from("abcxyz0123456789" + HOSTILE_CHARS), max_size=300)
spoiler_text = st.text(alphabet=st.sampled_from("ABCXYZ" + HOSTILE_CHARS), max_size=600)
long_plain = st.builds(lambda s, n: s * n, plain_text, st.integers(1, 30))
long_spoiler = st.builds(lambda s, n: s * n, spoiler_text, st.integers(1, 30))

texts = st.builds(Text, st.one_of(plain_text, long_plain), st.sampled_from(list(Style)))
spoilers = st.builds(Spoiler, st.one_of(spoiler_text, long_spoiler))
inline = st.one_of(texts, spoilers)
blocks = st.one_of(
    st.builds(Paragraph, st.lists(inline, max_size=6).map(tuple)),
    st.builds(
        Fields,
        st.lists(st.builds(Field, plain_text, plain_text), max_size=6).map(tuple),
    ),
    st.builds(
        Section,
        plain_text,
        st.lists(st.lists(inline, max_size=4).map(tuple), max_size=6).map(tuple),
    ),
)
documents = st.builds(
    Document,
    title=plain_text,
    headline=st.one_of(plain_text, long_plain),
    blocks=st.lists(blocks, max_size=8).map(tuple),
    verdict=st.one_of(st.none(), st.sampled_from(list(Verdict))),
)
limits = st.one_of(st.just(markup.MESSAGE_LIMIT), st.integers(40, 600))


def squash(text: str) -> str:
    """Compare text regardless of whitespace, the invisible word joiner and dropped chars."""
    return re.sub(r"\s+", "", markup.clean(text).replace("\u2060", ""))


def check_messages(messages: list[str], limit: int) -> tuple[str, str]:
    """Every message is valid and within the limit; returns (plain, spoiler) text."""
    plain, spoiler = [], []
    for message in messages:
        assert utf16_len(message) <= limit
        parsed = parse(message, limit=limit)
        plain.append(parsed.plain_text)
        spoiler.extend(parsed.spoiler_text)
    return "".join(plain), "".join(spoiler)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, limits)
def test_any_document_renders_to_valid_messages_with_spoilers_only_in_spoilers(
    doc: Document, limit: int
) -> None:
    messages = markup.render(doc, limit)
    plain, spoiler = check_messages(messages, limit)
    assert not re.search("[A-Z]", squash(plain)), "spoiler text leaked"
    expected = "".join(s.text for s in doc.runs() if isinstance(s, Spoiler))
    assert squash(spoiler) == squash(expected), "spoiler text lost or altered"
    shown = squash(plain + spoiler)
    for run in doc.runs():
        assert squash(run.text) in shown or isinstance(run, Spoiler)


@settings(max_examples=200, deadline=None)
@given(documents, limits)
def test_render_one_is_always_a_single_valid_message(doc: Document, limit: int) -> None:
    message = markup.render_one(doc, limit)
    if squash(doc.headline) or squash(doc.title) or any(squash(r.text) for r in doc.runs()):
        plain, _ = check_messages([message], limit)
        assert not re.search("[A-Z]", squash(plain))


@given(st.text(max_size=200))
def test_escape_never_makes_markup_or_a_mention(text: str) -> None:
    escaped = markup.escape(text)
    assert "<" not in escaped and ">" not in escaped
    if squash(text):
        parsed = parse(escaped)
        assert squash(parsed.text) == squash(text)


FILMS = content_films()


def film_documents(film: Film) -> list[Document]:
    found = Found(film.title, film, Match(MatchMethod.ID, 100.0, film.title))
    docs = (
        [answer_document(found), recap_document(film)] if film.recap else [answer_document(found)]
    )
    return [*docs, film_document(film, include_recap=True)] if film.recap else docs


def assert_film_spoilers_hidden(film: Film, limit: int) -> None:
    secrets = [s.description for s in film.credits.scenes if s.description]
    secrets += [p.strip() for p in (film.recap or "").split("\n") if p.strip()]
    for doc in film_documents(film):
        plain, spoiler = check_messages(markup.render(doc, limit), limit)
        for secret in secrets:
            assert squash(secret) not in squash(plain)
        for s in doc.spoilers():
            assert squash(s) in squash(spoiler)
        single = markup.render_one(doc, limit)
        check_messages([single], limit)


def test_every_bundled_film_keeps_its_spoilers_inside_tg_spoiler() -> None:
    for film in FILMS:
        try:
            assert_film_spoilers_hidden(film, markup.MESSAGE_LIMIT)
        except AssertionError as exc:
            raise AssertionError(f"{film.id}: {exc}") from exc


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(FILMS), st.integers(60, 1000))
def test_bundled_films_split_at_any_limit_stay_valid_and_hidden(film: Film, limit: int) -> None:
    assert_film_spoilers_hidden(film, limit)


def test_the_bundled_catalog_has_spoilers_to_test() -> None:
    assert len(FILMS) > 50
    assert sum(1 for f in FILMS for s in f.credits.scenes if s.description) > 20
    assert any(f.recap for f in FILMS)


def test_split_counts_utf16_units_not_characters() -> None:
    doc = Document("t", "h", (Paragraph((Text("🎬" * 3000),)),))
    messages = markup.render(doc)
    assert len(messages) == 2
    assert all(utf16_len(m) <= 4096 for m in messages)
    assert sum(m.count("🎬") for m in messages) == 3000


def test_a_split_spoiler_is_closed_and_reopened() -> None:
    secret = "SECRET " * 1500
    doc = Document(
        "t",
        "h",
        (
            Paragraph(
                (Text("before "), Spoiler(secret), Text(" after")),
            ),
        ),
    )
    messages = markup.render(doc)
    assert len(messages) >= 3
    for message in messages:
        parse(message)
    middle = messages[1]
    assert middle.startswith("<tg-spoiler>") and middle.endswith("</tg-spoiler>")


def test_entities_are_never_cut() -> None:
    doc = Document("t", "h", (Paragraph((Text("&" * 9000),)),))
    messages = markup.render(doc)
    assert len(messages) > 1
    assert sum(parse(m).text.count("&") for m in messages) == 9000


def test_a_film_answer_reads_like_the_seed_page() -> None:
    film = next(f for f in FILMS if f.id == "children-of-heaven-1997")
    (message,) = markup.render(film_document(film))
    lines = parse(message).text.splitlines()
    assert lines[0] == "No — nothing during or after the credits"
    assert lines[1] == "Children of Heaven (1997)"
    text = "\n".join(lines)
    for needle in ("Year: 1997", "Runtime: 89 min", "Director: Majid Majidi", "Ratings:"):
        assert needle in text
    assert "<b>No — nothing during or after the credits</b>" in message


@pytest.mark.parametrize("verdict", list(Verdict))
def test_verdict_words_never_say_no_for_unknown(verdict: Verdict) -> None:
    words = verdict_words(verdict)
    if verdict is Verdict.UNKNOWN:
        assert "no" not in words.split() and "nothing" not in words
