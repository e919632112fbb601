"""The one control-character filter, and that every renderer and the question parser use it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import markup as discord_markup
from adapters.telegram import markup as telegram_markup
from bot.questions import parse_question
from bot.render.document import Document, Paragraph, Text
from bot.render.text import render_text
from bot.textsafe import drop_controls

NASTY = "a\x00b\x1b[31mc\x7fd\x85e\x9bf\u2028g\u2029h\ud800i\r\nj\rk\tl"


def test_c0_c1_separators_and_surrogates_are_dropped() -> None:
    assert drop_controls(NASTY) == "ab[31mcdefghi\nj\nk\tl"


@given(st.text())
def test_nothing_controlling_survives(text: str) -> None:
    out = drop_controls(text)
    for ch in out:
        code = ord(ch)
        assert ch in "\t\n" or not (code < 0x20 or 0x7F <= code <= 0x9F)
        assert ch not in "\u2028\u2029" and not 0xD800 <= code <= 0xDFFF


def test_every_renderer_uses_it() -> None:
    expected = drop_controls(NASTY)
    assert discord_markup.clean(NASTY) == expected
    assert telegram_markup.clean(NASTY) == expected
    shown = render_text(
        Document(title="t", headline="h", blocks=(Paragraph((Text(NASTY),)),)), colour=False
    )
    assert "\x1b" not in shown and "\x85" not in shown and "\x9b" not in shown


def test_the_question_parser_drops_c1_controls() -> None:
    parsed = parse_question("iron\x85 man\x9b")
    assert parsed is not None and parsed.title == "iron man"
