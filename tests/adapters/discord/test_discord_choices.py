"""Ambiguity (select menu), not found (suggestion buttons), the Recap button and /recap."""

from __future__ import annotations

from typing import Any

from discord_testkit import (
    EPHEMERAL,
    OTHER_USER_ID,
    USER_ID,
    FakeDiscord,
    FakeService,
    Harness,
    check_spoilers,
    check_well_formed,
    components,
    film,
    read_markdown,
)

from bot.models import Verdict


def select_of(message: dict[str, Any]) -> dict[str, Any]:
    (select,) = [c for c in components(message) if c["type"] == 3]
    return select


async def test_ambiguity_select_edits_the_message_into_the_answer(
    bot: Harness, fake_discord: FakeDiscord
) -> None:
    _, reply = await bot.command("credits", "Dune")
    check_well_formed(reply)
    assert not reply.message_data.get("flags", 0) & EPHEMERAL
    embed = reply.message_data["embeds"][0]
    assert embed["title"] == "Which film?"
    select = select_of(reply.message_data)
    assert [(o["label"], o["value"]) for o in select["options"]] == [
        ("Dune (1984) — David Lynch", "dune-1984"),
        ("Dune (2021) — Denis Villeneuve", "dune-2021"),
    ]
    message = bot.message_of(reply)
    _, edit = await bot.click(message, select["custom_id"], values=["dune-2021"])
    assert edit.body["type"] == 7  # UPDATE_MESSAGE: the same message becomes the answer
    check_well_formed(edit)
    edited = fake_discord.messages[int(message["id"])]
    assert edited["embeds"][0]["author"]["name"] == "Dune (2021)"
    assert edited["components"] == []  # the menu is gone
    assert not fake_discord.rejected


async def test_someone_else_picking_gets_a_private_answer(bot: Harness) -> None:
    _, reply = await bot.command("credits", "Dune", user_id=USER_ID)
    message = bot.message_of(reply)
    select = select_of(message)
    _, answer = await bot.click(
        message, select["custom_id"], values=["dune-1984"], user_id=OTHER_USER_ID
    )
    assert answer.body["type"] == 4
    assert answer.message_data["flags"] & EPHEMERAL
    assert answer.message_data["embeds"][0]["author"]["name"] == "Dune (1984)"


async def test_catalog_ambiguity(catalog_bot: Harness, fake_discord: FakeDiscord) -> None:
    _, reply = await catalog_bot.command("credits", "ghostbusters")
    select = select_of(reply.message_data)
    values = [o["value"] for o in select["options"]]
    assert values == ["ghostbusters-1984", "ghostbusters-2016"]
    message = catalog_bot.message_of(reply)
    _, edit = await catalog_bot.click(message, select["custom_id"], values=["ghostbusters-2016"])
    assert edit.body["type"] == 7
    assert edit.message_data["embeds"][0]["author"]["name"] == "Ghostbusters (2016)"


async def test_not_found_is_short_ephemeral_with_suggestion_buttons(
    bot: Harness, fake_discord: FakeDiscord
) -> None:
    _, reply = await bot.command("credits", "Dunno")
    check_well_formed(reply)
    data = reply.message_data
    assert data["flags"] & EPHEMERAL
    assert data.get("embeds") in (None, [])
    assert "Dunno" in data["content"] and "Did you mean" in data["content"]
    assert len(data["content"]) < 300
    buttons = components(data)
    assert [b["label"] for b in buttons] == ["Dune (1984)", "Dune (2021)"]
    message = bot.message_of(reply)
    click, closed = await bot.click(message, buttons[1]["custom_id"])
    # The suggestions close and the answer is posted for everyone.
    assert closed.body["type"] == 7
    assert closed.message_data["components"] == []
    (_, answer) = await fake_discord.replies(click, count=2)
    assert answer.kind == "followup"
    check_well_formed(answer)
    assert answer.message_data["embeds"][0]["author"]["name"] == "Dune (2021)"
    assert not answer.message_data.get("flags", 0) & EPHEMERAL


async def test_not_found_without_suggestions(catalog_bot: Harness) -> None:
    _, reply = await catalog_bot.command("credits", "zzqqxx")
    data = reply.message_data
    assert data["flags"] & EPHEMERAL
    assert "zzqqxx" in data["content"]
    assert components(data) == []


async def test_recap_button_posts_the_recap_in_spoilers(bot: Harness) -> None:
    _, reply = await bot.command("credits", "Late Film")
    message = bot.message_of(reply)
    _, recap = await bot.click(message, "credits:recap:late-film-2003")
    assert recap.body["type"] == 4
    check_well_formed(recap)
    data = recap.message_data
    assert not data.get("flags", 0) & EPHEMERAL
    embed = data["embeds"][0]
    assert embed["author"]["name"] == "Recap: Late Film (2003)"
    read = read_markdown(embed["description"])
    assert read.spoilers == ["SECRET-RECAP: the twist happens.", "Then the other twist."]
    assert read.outside.strip() == ""
    check_spoilers(data, ["SECRET-RECAP: the twist happens.", "Then the other twist."])


async def test_recap_command(catalog_bot: Harness) -> None:
    _, reply = await catalog_bot.command("recap", "children of heaven")
    check_well_formed(reply)
    embeds = reply.message_data["embeds"]
    assert embeds[0]["author"]["name"] == "Recap: Children of Heaven (1997)"
    for embed in embeds:
        read = read_markdown(embed.get("description") or "")
        assert read.balanced and read.outside.strip() == ""
        assert read.spoilers


async def test_recap_with_a_choice_gives_the_recap(bot: Harness, fake_service: FakeService) -> None:
    fake_service.add(
        film("dune-1999", "Dune", 1999, Verdict.NONE, recap="SECRET-DUNE-RECAP happens here.")
    )
    _, reply = await bot.command("recap", "Dune")
    select = select_of(reply.message_data)
    assert select["custom_id"] == f"credits:pick:r:{USER_ID}"
    message = bot.message_of(reply)
    _, edit = await bot.click(message, select["custom_id"], values=["dune-1999"])
    embed = edit.message_data["embeds"][0]
    assert embed["author"]["name"] == "Recap: Dune (1999)"
    assert read_markdown(embed["description"]).spoilers == ["SECRET-DUNE-RECAP happens here."]


async def test_recap_of_a_film_without_one(bot: Harness) -> None:
    _, reply = await bot.command("recap", "Quiet Film")
    embed = reply.message_data["embeds"][0]
    assert embed["title"] == "No recap yet"
    assert "Nobody has written a recap" in embed["description"]
