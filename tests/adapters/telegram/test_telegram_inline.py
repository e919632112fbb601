"""Inline mode: "@BotName iron" in any chat offers films; each sends the full answer."""

from __future__ import annotations

from tg_catalog import bundled_films, example
from tg_fake_api import Call, buttons_of
from tg_harness import Harness, Scripted
from tg_html import parse

from bot.models import Choice, Verdict
from bot.render.answer import choice_words, verdict_words
from bot.service import CreditsService


async def inline(tg: Harness, query: str) -> Call:
    calls = await tg.send(tg.updates.inline_query(query))
    (answer,) = calls
    assert answer.method == "answerInlineQuery"
    return answer


async def test_inline_query_offers_title_year_and_verdict(
    tg: Harness, service: CreditsService
) -> None:
    answer = await inline(tg, "iron")
    results = answer.params["results"]
    choices = await service.suggest("iron", 50)
    assert [r["id"] for r in results] == [c.id for c in choices]
    iron_man = next(r for r in results if r["id"] == "iron-man-2008")
    assert iron_man["title"] == "Iron Man (2008) — scene after the credits"
    assert iron_man["description"].startswith("Yes")
    content = iron_man["input_message_content"]
    assert content["parse_mode"] == "HTML"
    text = parse(content["message_text"])
    assert text.text.startswith("Yes")
    assert "Iron Man (2008)" in text.text
    assert "Nick Fury" not in text.plain_text  # the scene is a spoiler
    assert any("Nick Fury" in s for s in text.spoiler_text)


async def test_inline_results_are_well_formed_for_short_prefixes(tg: Harness) -> None:
    seen = 0
    for query in ("s", "t", "a", "th"):
        results = (await inline(tg, query)).params["results"]
        seen += len(results)
        for result in results:
            answer = parse(result["input_message_content"]["message_text"]).text
            words = result["title"].split(" — ", 1)[1]
            if words.startswith("only "):  # an extra, never called a scene
                assert words.endswith(", no scene") and f"Yes — {words}" in answer
            else:
                assert words in {verdict_words(v) for v in Verdict}
    assert seen


async def test_the_inline_list_and_the_answer_agree_on_extras(
    tg: Harness, service: CreditsService
) -> None:
    """A film whose only recorded extra is audio is "only audio ..., no scene" in the list
    and in the answer it sends, never "scene after the credits" above it."""
    films = [f for f in bundled_films() if f.credits.only_extras]
    assert films
    for film in films[:5]:
        results = (await inline(tg, film.title)).params["results"]
        result = next(r for r in results if r["id"] == film.id)
        choice = Choice(
            film.id, film.title, film.year, film.credits.verdict, film.credits.only_extras
        )
        words = choice_words(choice)
        assert words.startswith("only ") and words.endswith(", no scene")
        assert result["title"] == f"{film.label} — {words}"
        answer = parse(result["input_message_content"]["message_text"]).text
        assert answer.startswith(f"Yes — {words}")


async def test_inline_results_are_capped_at_fifty(tg_scripted: Harness, scripted: Scripted) -> None:
    films = bundled_films()
    assert len(films) > 50
    scripted.next_suggestions = [Choice(f.id, f.title, f.year, f.credits.verdict) for f in films]
    results = (await inline(tg_scripted, "anything")).params["results"]
    assert len(results) == 50


async def test_empty_inline_query_still_answers(tg: Harness) -> None:
    answer = await inline(tg, "")
    assert answer.params["results"] or answer.params.get("button")


async def test_inline_query_with_no_match_offers_help(tg: Harness) -> None:
    answer = await inline(tg, "qwxzv plorkington")
    assert answer.params["results"] == []
    assert answer.params["button"]["start_parameter"] == "help"


async def test_recap_button_on_an_inline_message_edits_it_with_the_recap_in_a_spoiler(
    tg: Harness, service: CreditsService
) -> None:
    film = await example(service, recap=True)
    results = (await inline(tg, film.title)).params["results"]
    result = next(r for r in results if r["id"] == film.id)
    assert ("Recap (spoilers)", f"r:{film.id}") in buttons_of(result["reply_markup"])

    calls = await tg.send(tg.updates.callback(f"r:{film.id}", inline_message_id="inl-1"))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageText"]
    edit = calls[1]
    assert edit.params["inline_message_id"] == "inl-1"
    parsed = parse(edit.text)
    assert film.recap
    first = film.recap.split("\n")[0].strip()
    assert first[:50] in " ".join(parsed.spoiler_text)
    assert first[:50] not in parsed.plain_text
    assert parsed.text.startswith(("Yes", "No", "Nobody"))  # the answer is kept above it
