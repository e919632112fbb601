"""Inline keyboards: the Recap button, ambiguity, not-found suggestions, stale buttons."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from tg_catalog import bundled_films, example
from tg_harness import Harness, Scripted
from tg_html import parse

from bot.models import Ambiguous, Candidate, Found, Match, MatchMethod, NotFound, Verdict
from bot.service import CreditsService

GROUP = {"chat_id": -1002, "chat_type": "group"}


async def ambiguous_title(service: CreditsService) -> tuple[str, Ambiguous]:
    """A title that two bundled films share and that the core finds ambiguous."""
    counts = Counter(f.title.lower() for f in bundled_films())
    for title in sorted(t for t, n in counts.items() if n > 1):
        answer = await service.ask(title)
        if isinstance(answer, Ambiguous):
            return title, answer
    raise LookupError("no ambiguous title in the bundled catalog")


@pytest.mark.parametrize("where", [{}, GROUP], ids=["private", "group"])
async def test_recap_button_posts_the_recap_inside_a_spoiler(
    tg: Harness, service: CreditsService, where: dict[str, object]
) -> None:
    film = await example(service, recap=True)
    assert film.recap
    (answer,) = await tg.replies_to(f"/credits {film.title}", **where)
    calls = await tg.press(answer, f"r:{film.id}")

    assert calls[0].method == "answerCallbackQuery"
    posted = [c for c in calls if c.method == "sendMessage"]
    assert posted, "the recap was not posted"
    spoilers = " ".join(s for c in posted for s in parse(c.text).spoiler_text)
    plain = " ".join(parse(c.text).plain_text for c in posted)
    for paragraph in filter(None, (p.strip() for p in film.recap.split("\n"))):
        assert paragraph[:50] in spoilers
        assert paragraph[:50] not in plain
    assert all(c.params["chat_id"] == answer.params["chat_id"] for c in posted)


async def test_ambiguity_offers_a_keyboard_and_choosing_edits_the_message(
    tg: Harness, service: CreditsService
) -> None:
    title, answer = await ambiguous_title(service)
    (question,) = await tg.replies_to(title)
    buttons = question.buttons()
    assert buttons == [(c.label, f"a:{c.id}") for c in answer.candidates]
    assert all(len(data.encode()) <= 64 for _, data in buttons)

    chosen = answer.candidates[0]
    calls = await tg.press(question, f"a:{chosen.id}")
    edits = [c for c in calls if c.method == "editMessageText"]
    assert len(edits) == 1
    assert edits[0].params["message_id"] == question.result["message_id"]
    text = parse(edits[0].text).text
    assert chosen.label in text
    assert text.splitlines()[0].startswith(("Yes", "No", "Nobody"))
    assert not [c for c in calls if c.method == "sendMessage"]


async def test_ambiguous_recap_choice_edits_into_the_recap(
    tg_scripted: Harness, scripted: Scripted, service: CreditsService
) -> None:
    film = await example(service, recap=True)
    other = await example(service, Verdict.NONE)
    scripted.next_answers.append(
        Ambiguous(
            "two films",
            (
                Candidate(film.id, film.title, film.year, 90.0),
                Candidate(other.id, other.title, other.year, 89.0),
            ),
        )
    )
    (question,) = await tg_scripted.replies_to("/recap two films")
    assert (film.label, f"e:{film.id}") in question.buttons()
    calls = await tg_scripted.press(question, f"e:{film.id}")
    (edit, *_rest) = [c for c in calls if c.method == "editMessageText"]
    assert film.recap and film.recap.split("\n")[0][:50] in " ".join(parse(edit.text).spoiler_text)


async def test_not_found_is_short_with_suggestions_as_buttons(
    tg_scripted: Harness, scripted: Scripted, service: CreditsService
) -> None:
    film = await example(service, Verdict.DURING)
    scripted.next_answers.append(
        NotFound("iron mna 3000", (Candidate(film.id, film.title, film.year, 70.0),))
    )
    (reply,) = await tg_scripted.replies_to("iron mna 3000")
    text = parse(reply.text).text
    assert "couldn't find" in text
    assert len(text) < 300
    assert reply.buttons() == [(film.label, f"a:{film.id}")]
    calls = await tg_scripted.press(reply, f"a:{film.id}")
    (edit,) = [c for c in calls if c.method == "editMessageText"]
    assert parse(edit.text).text.startswith("Yes")


async def test_not_found_from_the_catalog_is_a_short_reply(tg: Harness) -> None:
    (reply,) = await tg.replies_to("/credits qwxzv plorkington")
    text = parse(reply.text).text
    assert "couldn't find" in text and "qwxzv plorkington" in text
    assert len(text) < 300


@pytest.mark.parametrize("data", ["junk", "x:iron-man-2008", "a:", "a:no-such-film-1900"])
async def test_stale_or_foreign_buttons_get_a_short_notice(
    tg: Harness, updates: object, data: str
) -> None:
    (answer,) = await tg.replies_to("/credits iron man")
    message = answer.result
    update = tg.updates.callback(data, message=message)
    calls = await tg.send(update)
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"]


async def test_answer_buttons_under_a_long_answer_go_on_the_last_part(
    tg_scripted: Harness, scripted: Scripted, service: CreditsService
) -> None:
    film = await example(service, Verdict.AFTER)
    long_film = replace(film, synopsis="A long premise. " * 400, recap="It ends.")
    match = Match(MatchMethod.EXACT, 100.0, film.title)
    scripted.next_answers.append(Found(film.title, long_film, match))
    replies = await tg_scripted.replies_to(f"/credits {film.title}")
    assert len(replies) >= 2
    assert replies[-1].buttons() == [("Recap (spoilers)", f"r:{film.id}")]
    assert all(not r.buttons() for r in replies[:-1])
