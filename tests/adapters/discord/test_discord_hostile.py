"""Hostile titles and queries: a well-formed reply within Discord's limits that pings nobody."""

from __future__ import annotations

import pytest
from discord_testkit import (
    EPHEMERAL,
    FakeDiscord,
    FakeService,
    Harness,
    check_spoilers,
    check_well_formed,
    choice_problems,
    film,
    markdown_strings,
    read_markdown,
    spoilers_of,
    squash,
)

from bot.models import Position, Scene, Verdict
from bot.normalize import normalize

HOSTILE = [
    "@everyone",
    "@here is there a scene?",
    "||not a spoiler|| ||",
    "**bold** __under__ *it* ~~del~~ `code` ```block``` > quote",
    "# Heading\n-# subtext\n- item\n1. first",
    "[click me](https://example.com) <https://example.com>",
    "<@123456789012345678> <@&123456789012345678> <#123456789012345678> <t:0:R>",
    "a" * 10_000,
    "word " * 2_000,
    "",
    "   ",
    "\x00\x07\x1b[31m control \r\n characters",
    "🎬 فيلم 電影 \u202eRTL override\u202c",
    "\\",
    "trailing backslash \\",
]


@pytest.mark.parametrize("command", ["credits", "recap"])
@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
async def test_hostile_queries(
    catalog_bot: Harness, fake_discord: FakeDiscord, command: str, text: str
) -> None:
    payload, reply = await catalog_bot.command(command, text)
    await fake_discord.settle()
    assert reply.status == 200
    for rec in fake_discord.for_interaction(payload):
        check_well_formed(rec)
    assert not fake_discord.rejected
    if not reply.message_data.get("flags", 0) & EPHEMERAL:
        # Only a real film of that very name may answer ("@everyone": Everyone (2004)).
        author = reply.message_data["embeds"][0]["author"]["name"]
        assert normalize(author.rsplit(" (", 1)[0]).endswith(normalize(text))


HOSTILE_TITLE = "@everyone ||Gotcha|| **Bold** <@123456789012345678> \\"
SECRET_SCENE = "SECRET-SCENE @here || breaks out? **no** \\"
SECRET_RECAP_PARAGRAPH = "SECRET-RECAP-" + "plot ||twist|| @everyone \\ `code` " * 40


@pytest.fixture
def hostile_service(fake_service: FakeService) -> FakeService:
    fake_service.add(
        film(
            "hostile-2020",
            HOSTILE_TITLE,
            2020,
            Verdict.BOTH,
            (
                Scene(Position.DURING, SECRET_SCENE, "gag", at="@everyone ||at||"),
                Scene(Position.AFTER, "SECRET-LONG " + "x||y " * 900),
            ),
            directors=("<@123456789012345678>", "||Dir||"),
            synopsis="Premise with @everyone and ||bars|| and " + "long " * 1500,
            recap="\n".join([SECRET_RECAP_PARAGRAPH] * 30),
            box_office="$1 ||B||" * 300,
        )
    )
    return fake_service


@pytest.mark.parametrize("command", ["credits", "recap"])
async def test_hostile_film_text_stays_in_limits_and_in_spoilers(
    make_bot: object, hostile_service: FakeService, fake_discord: FakeDiscord, command: str
) -> None:
    bot: Harness = await make_bot(hostile_service)  # type: ignore[operator]
    payload, _ = await bot.command(command, "hostile-2020")
    await fake_discord.settle()
    records = fake_discord.for_interaction(payload)
    assert records and not fake_discord.rejected
    scenes = hostile_service.films["hostile-2020"].credits.scenes
    secrets = [s.description or "" for s in scenes]
    recap = hostile_service.films["hostile-2020"].recap or ""
    for rec in records:
        check_well_formed(rec)
        check_spoilers(rec.message_data, [*secrets, recap], present=False)
        for text in markdown_strings(rec.message_data):
            assert "SECRET" not in read_markdown(text).outside
    shown = squash("".join(s for rec in records for s in spoilers_of(rec.message_data)))
    if command == "recap":
        assert squash(recap) == shown
        assert len(records) >= 2  # too long for one message: continued in follow-ups
    else:
        assert all(squash(secret) in shown for secret in secrets)
        assert len(records) >= 2


async def test_hostile_suggestions_are_trimmed(make_bot: object) -> None:
    service = FakeService({})
    for n in range(40):
        service.add(film(f"long-{n}", "L" + "o" * 150 + f"ng {n} @everyone", 2000, Verdict.NONE))
    bot: Harness = await make_bot(service)  # type: ignore[operator]
    choices = await bot.autocomplete("credits", "lo")
    assert len(choices) == 25
    assert not choice_problems(choices)
