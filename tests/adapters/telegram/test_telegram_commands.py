"""/start, /help, /credits and /recap, in private chats and in groups."""

from __future__ import annotations

import pytest
from tg_catalog import example
from tg_fake_api import BOT_USERNAME
from tg_harness import Harness
from tg_html import parse

from bot.models import Verdict
from bot.service import CreditsService

GROUP = {"chat_id": -1001, "chat_type": "supergroup"}


@pytest.mark.parametrize("command", ["/start", "/help"])
async def test_start_and_help_say_what_the_bot_does_with_an_example(
    tg: Harness, command: str
) -> None:
    (reply,) = await tg.replies_to(command)
    text = parse(reply.text).text
    assert "during or after the credits" in text
    assert "/credits Iron Man" in text
    assert "/recap" in text
    assert BOT_USERNAME in text  # the inline-mode and mention examples use the real name
    assert reply.params["parse_mode"] == "HTML"
    assert "reply_parameters" not in reply.params  # private chat: no quote


@pytest.mark.parametrize("verdict", list(Verdict))
async def test_credits_answers_each_verdict_verdict_first(
    tg: Harness, service: CreditsService, verdict: Verdict
) -> None:
    film = await example(service, verdict)
    (reply,) = await tg.replies_to(f"/credits {film.title}")
    parsed = parse(reply.text)
    first_line = parsed.text.splitlines()[0]
    if verdict is Verdict.UNKNOWN:
        assert "no" not in first_line.lower().split()
        assert "nobody has recorded" in first_line.lower()
        assert "no" not in parsed.plain_text.lower().replace("nobody", "").split()
    elif verdict is Verdict.NONE:
        assert first_line.startswith("No")
    else:
        assert first_line.startswith("Yes")
    assert film.label in parsed.text
    assert f"Year: {film.year}" in parsed.text
    if film.runtime_minutes:
        assert f"Runtime: {film.runtime_minutes} min" in parsed.text
    for scene in film.credits.scenes:
        if scene.description:
            assert scene.description not in parsed.plain_text
            assert any(scene.description in s for s in parsed.spoiler_text)


async def test_unknown_is_never_worded_no(tg: Harness, service: CreditsService) -> None:
    film = await example(service, Verdict.UNKNOWN)
    (reply,) = await tg.replies_to(f"/credits {film.title}")
    words = parse(reply.text).text.lower().replace("—", " ").split()
    assert "no" not in words
    assert "unknown" in parse(reply.text).text.lower() or "nobody" in words


async def test_answer_has_a_recap_button_when_the_film_has_a_recap(
    tg: Harness, service: CreditsService
) -> None:
    film = await example(service, Verdict.NONE, recap=True)
    (reply,) = await tg.replies_to(f"/credits {film.title}")
    assert ("Recap (spoilers)", f"r:{film.id}") in reply.buttons()


@pytest.mark.parametrize("command", ["/credits", "/recap", "/credits   "])
async def test_a_command_without_a_title_explains_itself(tg: Harness, command: str) -> None:
    (reply,) = await tg.replies_to(command)
    assert "followed by a film title" in parse(reply.text).text


async def test_recap_command_posts_the_recap_inside_a_spoiler(
    tg: Harness, service: CreditsService
) -> None:
    film = await example(service, Verdict.NONE, recap=True)
    replies = await tg.replies_to(f"/recap {film.title}")
    assert film.recap
    spoilers = "".join(s for r in replies for s in parse(r.text).spoiler_text)
    plain = "".join(parse(r.text).plain_text for r in replies)
    for paragraph in filter(None, (p.strip() for p in film.recap.split("\n"))):
        assert paragraph[:40] in spoilers
        assert paragraph[:40] not in plain


async def test_group_command_with_the_bot_name(tg: Harness, service: CreditsService) -> None:
    film = await example(service, Verdict.AFTER)
    (reply,) = await tg.replies_to(f"/credits@{BOT_USERNAME} {film.title}", **GROUP)
    assert parse(reply.text).text.startswith("Yes")
    assert reply.params["chat_id"] == GROUP["chat_id"]
    assert reply.params["reply_parameters"]["message_id"]  # quotes the question in groups


async def test_group_command_for_another_bot_is_ignored(tg: Harness) -> None:
    calls = await tg.say("/credits@SomeOtherBot iron man", **GROUP)
    assert calls == []


async def test_plain_group_command_works_too(tg: Harness) -> None:
    (reply,) = await tg.replies_to("/credits iron man", **GROUP)
    assert "Iron Man (2008)" in parse(reply.text).text


async def test_unknown_command_in_private_gets_help(tg: Harness) -> None:
    (reply,) = await tg.replies_to("/frobnicate")
    assert "/credits Iron Man" in parse(reply.text).text


async def test_unknown_command_in_a_group_is_ignored_unless_addressed(tg: Harness) -> None:
    assert await tg.say("/frobnicate", **GROUP) == []
    (reply,) = await tg.replies_to(f"/frobnicate@{BOT_USERNAME}", **GROUP)
    assert "/credits Iron Man" in parse(reply.text).text


async def test_edited_messages_are_not_answered_again(tg: Harness) -> None:
    update = tg.updates.message("/credits iron man")
    update["edited_message"] = update.pop("message")
    assert await tg.send(update) == []


async def test_about_names_sources_and_what_is_stored(tg: Harness) -> None:
    replies = await tg.replies_to("/about")
    text = " ".join(parse(r.text).text for r in replies)
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in text
    assert "aftercredits.com" in text and "salted hash" in text
    assert "credits-bot reports forget PLATFORM USER_ID" in text
    russian = await tg.replies_to("/about", language_code="ru")
    assert "Что хранится о вас" in " ".join(parse(r.text).text for r in russian)
