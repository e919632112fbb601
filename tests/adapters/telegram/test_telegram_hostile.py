"""Hostile input: whatever people type, every reply is well-formed Telegram HTML within
4096 UTF-16 units, keeps spoilers inside <tg-spoiler>, and mentions nobody.

The fake Bot API server parses every message it is sent and answers 400 otherwise; the
harness fails a test whose calls were rejected.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from tg_catalog import example
from tg_fake_api import BOT_USERNAME, Call
from tg_harness import Harness, Scripted
from tg_html import TelegramHtmlError, parse

from bot.models import Credits, Found, Match, MatchMethod, Position, Scene, Verdict
from bot.service import CreditsService

HOSTILE = {
    "bold-tag": "<b>",
    "spoiler-close": "</tg-spoiler>",
    "everyone": "@everyone",
    "here-and-user": "@here @durov hello",
    "long": "x" * 10_000,
    "long-words": "iron man " * 1_200,
    "control": "\x00\x01\x07\x1b[31mred\x7f\x85",
    "rtl-hebrew": "האם יש סצנה אחרי הכתוביות באיירון מן?",
    "rtl-arabic": "هل يوجد مشهد بعد الشارة في الرجل الحديدي؟",
    "rtl-override": "\u202egnirts desrever\u202c iron man",
    "emoji": "🦸‍♂️🎬 iron man 👩‍👩‍👧‍👦" * 3,
    "entities": "&amp; &lt;b&gt; &#0; &bogus;",
    "markdown": "*bold* _it_ `code` ||spoiler|| [link](http://x)",
    "html-injection": '<a href="tg://user?id=1">hi</a><tg-spoiler>',
    "whitespace": " \t\n ",
    "surrogate": "iron \ud83d man",
}


def check_replies(name: str, calls: list[Call]) -> None:
    sent = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
    assert sent, f"{name}: no reply"
    for call in sent:
        try:
            parse(call.text)
        except TelegramHtmlError as exc:
            raise AssertionError(f"{name}: {exc}") from exc


# One application per test, every hostile input in turn (each in its own chat, so the
# per-group flood limit is never reached).


async def test_hostile_private_messages(tg: Harness) -> None:
    for i, (name, text) in enumerate(HOSTILE.items()):
        check_replies(name, await tg.say(text, chat_id=100 + i))


@pytest.mark.parametrize("command", ["credits", "recap"])
async def test_hostile_group_commands(tg: Harness, command: str) -> None:
    for i, (name, text) in enumerate(HOSTILE.items()):
        calls = await tg.say(
            f"/{command}@{BOT_USERNAME} {text}", chat_id=-200 - i, chat_type="group"
        )
        check_replies(name, calls)


async def test_hostile_mentions_in_a_group(tg: Harness) -> None:
    for i, (name, text) in enumerate(HOSTILE.items()):
        calls = await tg.say(f"@{BOT_USERNAME} {text}", chat_id=-300 - i, chat_type="supergroup")
        check_replies(name, calls)


async def test_hostile_inline_queries(tg: Harness) -> None:
    for name, text in HOSTILE.items():
        (answer,) = await tg.send(tg.updates.inline_query(text[:256]))
        assert answer.method == "answerInlineQuery", name
        for result in answer.params["results"]:
            parse(result["input_message_content"]["message_text"])


async def test_the_echoed_question_cannot_mention_or_mark_up(tg: Harness) -> None:
    (reply,) = await tg.replies_to("@everyone <b>qwxzv</b> </tg-spoiler>")
    parsed = parse(reply.text)
    assert "<b>qwxzv</b>" in parsed.text  # shown as typed, as text
    assert "@\u2060everyone" in parsed.text  # visible, but not a mention
    assert parsed.spoiler_text == []


async def test_a_hostile_catalog_entry_keeps_its_spoilers_inside_the_spoiler(
    tg_scripted: Harness, scripted: Scripted, service: CreditsService
) -> None:
    base = await example(service, Verdict.AFTER)
    evil = "</tg-spoiler><b>@everyone</b> &amp; <tg-spoiler>"
    film = replace(
        base,
        title=f"{evil} Title",
        synopsis=f"{evil} premise",
        directors=(evil,),
        recap=f"{evil} recap\n" + "the plot thickens " * 700,
        credits=Credits(
            Verdict.AFTER,
            (Scene(Position.AFTER, f"{evil} secret scene " + "on and on " * 500, kind="gag"),),
            source=evil,
        ),
    )
    scripted.next_answers.append(Found(film.title, film, Match(MatchMethod.EXACT, 100, "x")))
    replies = await tg_scripted.replies_to("/credits evil")
    assert len(replies) >= 2
    parsed = [parse(r.text) for r in replies]
    plain = "".join(p.plain_text for p in parsed)
    spoiler = "".join(s for p in parsed for s in p.spoiler_text)
    assert "secret scene" not in plain and "on and on" not in plain
    assert "secret scene" in spoiler
    assert plain.count("@\u2060everyone") >= 3
