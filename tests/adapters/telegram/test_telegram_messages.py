"""Plain questions in private chats; mentions and replies to the bot in groups."""

from __future__ import annotations

import pytest
from tg_fake_api import BOT_ID, BOT_USERNAME
from tg_harness import Harness, Scripted
from tg_html import parse

GROUP = {"chat_id": -1003, "chat_type": "supergroup"}


@pytest.mark.parametrize(
    ("question", "label"),
    [
        ("does iron man have a post credit scene?", "Iron Man (2008)"),
        ("children of heavn", "Children of Heaven (1997)"),
        ("thor ragnarok?", "Thor: Ragnarok (2017)"),
    ],
)
async def test_plain_questions_in_private_chats(tg: Harness, question: str, label: str) -> None:
    (reply,) = await tg.replies_to(question)
    text = parse(reply.text).text
    assert label in text
    assert text.splitlines()[0].startswith(("Yes", "No"))


async def test_the_question_reaches_the_core_without_the_mention(
    tg_scripted: Harness, scripted: Scripted
) -> None:
    await tg_scripted.say("does iron man have a post credit scene?")
    await tg_scripted.say(f"@{BOT_USERNAME} iron man", **GROUP)
    assert scripted.asked == [
        "does iron man have a post credit scene?",
        "iron man",
    ]


async def test_group_messages_not_for_the_bot_are_ignored(tg: Harness) -> None:
    assert await tg.say("does iron man have a post credit scene?", **GROUP) == []
    assert await tg.say("@SomebodyElse thor ragnarok?", **GROUP) == []


@pytest.mark.parametrize(
    "text",
    [
        f"@{BOT_USERNAME} thor ragnarok?",
        f"@{BOT_USERNAME.lower()} thor ragnarok?",
        f"hey @{BOT_USERNAME}, thor ragnarok?",
    ],
)
async def test_group_mentions_are_answered_with_a_quote(tg: Harness, text: str) -> None:
    (reply,) = await tg.replies_to(text, **GROUP)
    assert "Thor: Ragnarok (2017)" in parse(reply.text).text
    assert reply.params["reply_parameters"]["message_id"]


async def test_a_bare_mention_gets_help(tg: Harness) -> None:
    (reply,) = await tg.replies_to(f"@{BOT_USERNAME}", **GROUP)
    assert "/credits Iron Man" in parse(reply.text).text


async def test_replies_to_the_bots_own_messages_are_answered_in_groups(tg: Harness) -> None:
    (first,) = await tg.replies_to(f"@{BOT_USERNAME} iron man", **GROUP)
    (reply,) = await tg.replies_to("and thor ragnarok?", reply_to=first.result, **GROUP)
    assert "Thor: Ragnarok (2017)" in parse(reply.text).text


async def test_replies_to_somebody_else_are_ignored_in_groups(tg: Harness) -> None:
    theirs = tg.updates.message("I love Iron Man", **GROUP, user_id=77)["message"]
    assert await tg.say("me too, thor ragnarok?", reply_to=theirs, **GROUP) == []


async def test_our_own_inline_results_posted_in_a_chat_are_not_questions(tg: Harness) -> None:
    update = tg.updates.message("Yes — 1 scene after the credits Iron Man (2008)")
    update["message"]["via_bot"] = {"id": BOT_ID, "is_bot": True, "first_name": "Credits"}
    assert await tg.send(update) == []
