"""Answers as documents, and the terminal renderer: verdict first, spoilers only in spans."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.i18n import translator
from bot.models import (
    Ambiguous,
    Candidate,
    Choice,
    Credits,
    Film,
    Found,
    Match,
    MatchMethod,
    NotFound,
    Position,
    Scene,
    Verdict,
)
from bot.render.answer import (
    answer_document,
    choice_words,
    recap_document,
    verdict_headline,
    verdict_words,
)
from bot.render.document import Text
from bot.render.text import HIDDEN, render_text


def film(verdict: Verdict, scenes: tuple[Scene, ...] = (), **kw: object) -> Film:
    return Film(
        "f-2000", "Some Film", 2000,
        credits=Credits(verdict, scenes, source="test" if verdict.recorded else None),
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


D = Scene(Position.DURING, "The hero eats shawarma.", "gag")
A = Scene(Position.AFTER, "A villain appears.", "sequel-setup")


def test_headlines_for_the_five_verdicts() -> None:
    assert verdict_headline(Credits(Verdict.BOTH, (D, A), "s")) == (
        "Yes — 2 scenes: 1 during, 1 after the credits"
    )
    assert (
        verdict_headline(Credits(Verdict.DURING, (D,), "s")) == "Yes — 1 scene during the credits"
    )
    assert (
        verdict_headline(Credits(Verdict.AFTER, (A, A), "s")) == "Yes — 2 scenes after the credits"
    )
    # Without a described scene or a listed kind, all we know is that something is there.
    assert verdict_headline(Credits(Verdict.AFTER, (), "s")) == "Yes — something after the credits"
    listed = Credits(Verdict.DURING, (), "s", extras=("sequel-setup", "bonus"))
    assert verdict_headline(listed) == "Yes — a bonus scene and a sequel set-up during the credits"
    card = Credits(Verdict.AFTER, (), "s", extras=("title-card",))
    assert verdict_headline(card) == "Yes — only a title card after the credits, no scene"
    both = Credits(Verdict.BOTH, (), "s", extras=("dedication", "stills"))
    assert verdict_headline(both) == (
        "Yes — only a dedication and stills during and after the credits, no scene"
    )
    assert verdict_headline(Credits(Verdict.NONE, (), "s")).startswith("No")
    assert verdict_headline(Credits()) == "Nobody has recorded this one yet"


def test_unknown_never_reads_as_no() -> None:
    doc = answer_document(Found("x", film(Verdict.UNKNOWN), Match(MatchMethod.EXACT, 100, "x")))
    text = render_text(doc).lower()
    assert text.split()[0] != "no"
    assert "no —" not in text and "does not have" not in text and "leave when" not in text
    assert "can't say it has none" in " ".join(text.split())


def test_answer_reads_like_the_seed_page() -> None:
    f = film(
        Verdict.NONE,
        runtime_minutes=89,
        directors=("Majid Majidi",),
        box_office="$382K",
        synopsis="Two siblings share one pair of shoes.",
        recap="Ali loses the shoes.\nAli wins the race.",
    )
    doc = answer_document(Found("x", f, Match(MatchMethod.EXACT, 100, "x")))
    text = render_text(doc)
    lines = text.splitlines()
    assert lines[0].startswith("No")
    assert lines[1] == "Some Film (2000)"
    for piece in ("89 min", "Majid Majidi", "$382K", "Two siblings share"):
        assert piece in text
    assert "Ali loses" not in text  # the recap is a separate, spoiler-only document
    recap = recap_document(f)
    assert recap.spoilers() == ["Ali loses the shoes.", "Ali wins the race."]


def test_scene_descriptions_are_spoilers() -> None:
    doc = answer_document(
        Found("x", film(Verdict.BOTH, (D, A)), Match(MatchMethod.EXACT, 100, "x"))
    )
    assert doc.spoilers() == [D.description, A.description]
    hidden = render_text(doc)
    assert D.description not in hidden and hidden.count(HIDDEN) == 2
    shown = render_text(doc, spoilers=True)
    assert f"[spoiler] {D.description}" in shown


def test_dedication_only_is_not_worth_waiting_for() -> None:
    credits = (Scene(Position.DURING, "For Carrie.", "dedication"),)
    doc = answer_document(
        Found("x", film(Verdict.DURING, credits), Match(MatchMethod.EXACT, 100, "x"))
    )
    text = render_text(doc)
    assert text.splitlines()[0] == "Yes — only a dedication during the credits, no scene"
    assert "no scene to wait for" in text
    audio = Credits(Verdict.AFTER, (Scene(Position.AFTER, "A roar.", "audio-only"),), "s")
    assert verdict_headline(audio) == "Yes — only audio after the credits, no scene"


def test_some_says_something_is_there_and_to_stay_to_the_end() -> None:
    """A listing that names the film without saying where: never "no", never a guess at
    where; the advice is to stay to the very end (in every language)."""
    doc = answer_document(Found("x", film(Verdict.SOME), Match(MatchMethod.EXACT, 100, "x")))
    text = render_text(doc)
    assert text.splitlines()[0] == "Yes — something during or after the credits"
    assert "stay until the very end of the credits" in " ".join(text.split())
    listed = Credits(Verdict.SOME, (), "s", extras=("bonus", "gag"))
    assert verdict_headline(listed) == "Yes — a bonus scene and a gag during or after the credits"
    # Only extras that are not scenes, where unknown: said as such, nothing to wait for.
    memoriam = Credits(Verdict.SOME, (), "s", extras=("dedication",))
    assert verdict_headline(memoriam) == "Yes — only a dedication in the credits, no scene"
    assert verdict_words(Verdict.SOME) == "something during or after the credits"
    assert choice_words(Choice("f", "F", 2000, Verdict.SOME, memoriam.only_extras)) == (
        "only a dedication in the credits, no scene"
    )
    german = verdict_headline(Credits(Verdict.SOME, (), "s"), translator("de"))
    assert german == "Ja — es kommt etwas während oder nach dem Abspann"


def test_ambiguous_and_not_found_documents() -> None:
    amb = answer_document(
        Ambiguous(
            "dune",
            (
                Candidate("a", "Dune", 2021, 100, ("Denis Villeneuve",)),
                Candidate("b", "Dune", 1984, 100),
            ),
        )
    )
    text = render_text(amb)
    assert "Dune (2021) — Denis Villeneuve" in text and "Dune (1984)" in text
    nf = render_text(answer_document(NotFound("zzz", (Candidate("c", "Zed", 1999, 80),))))
    assert "couldn't find" in nf and "Zed (1999)" in nf
    assert render_text(answer_document(NotFound("", reason="Ask me about a film."))).startswith(
        "Ask me"
    )


def test_control_characters_never_reach_the_terminal() -> None:
    f = Film("x-2000", "Evil\x1b[2J Title", 2000, synopsis="a\x07b")
    text = render_text(answer_document(Found("x", f, Match(MatchMethod.EXACT, 100, "x"))))
    assert "\x1b" not in text and "\x07" not in text


scene_text = st.text(
    alphabet=st.characters(min_codepoint=33, max_codepoint=0x2FF), min_size=12, max_size=120
)


@given(descriptions=st.lists(scene_text, min_size=1, max_size=4), recap=scene_text)
def test_spoiler_text_never_appears_outside_a_spoiler(descriptions: list[str], recap: str) -> None:
    scenes = tuple(Scene(Position.AFTER, d) for d in descriptions)
    f = Film(
        "x-2000", "Plain Title", 2000, recap=recap, credits=Credits(Verdict.AFTER, scenes, "s")
    )
    secrets = [*descriptions, recap]
    for doc in (
        answer_document(Found("q", f, Match(MatchMethod.EXACT, 100, "x")), include_recap=True),
        recap_document(f),
    ):
        assert doc.spoilers()
        plain = [r.text for r in doc.runs() if isinstance(r, Text)] + [doc.headline, doc.title]
        for secret in secrets:
            assert not any(secret in p for p in plain)
        hidden = render_text(doc)
        assert not any(secret in hidden for secret in secrets)


@given(
    title=st.text(max_size=300),
    synopsis=st.text(max_size=300),
    directors=st.lists(st.text(max_size=40), max_size=3),
    query=st.text(max_size=200),
)
def test_renderers_never_crash(title: str, synopsis: str, directors: list[str], query: str) -> None:
    f = Film("x-2000", title or "x", 2000, synopsis=synopsis or None, directors=tuple(directors))
    candidates = (Candidate("x-2000", title, 2000, 91.0, tuple(directors)),)
    for answer in (
        Found(query, f, Match(MatchMethod.FUZZY, 91.0, title), candidates),
        Ambiguous(query, candidates * 2),
        NotFound(query, candidates),
    ):
        for spoilers in (False, True):
            assert render_text(answer_document(answer), spoilers=spoilers, colour=spoilers)
