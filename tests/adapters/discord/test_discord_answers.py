"""``/credits``: the answer for each verdict, free text, ids, DMs and user installs."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from discord_testkit import (
    EPHEMERAL,
    FILMS,
    USER_ID,
    FakeDiscord,
    FakeService,
    Harness,
    check_spoilers,
    check_well_formed,
    components,
    custom_ids,
    read_markdown,
)

from adapters.discord.markup import VERDICT_COLOURS
from bot.models import Verdict


def embed_of(reply: Any) -> dict[str, Any]:
    embeds: list[dict[str, Any]] = reply.message_data["embeds"]
    return embeds[0]


def secrets_of(film_id: str) -> list[str]:
    film = FILMS[film_id]
    return [s.description for s in film.credits.scenes if s.description]


@pytest.mark.parametrize(
    ("film_id", "verdict", "headline"),
    [
        ("quiet-film-2001", Verdict.NONE, "No — nothing during or after the credits"),
        ("middle-film-2002", Verdict.DURING, "Yes — 1 scene during the credits"),
        ("late-film-2003", Verdict.AFTER, "Yes — 1 scene after the credits"),
        ("busy-film-2004", Verdict.BOTH, "Yes — 2 scenes: 1 during, 1 after the credits"),
        ("mystery-film-2005", Verdict.UNKNOWN, "Nobody has recorded this one yet"),
    ],
)
async def test_credits_answer_for_each_verdict(
    bot: Harness, fake_service: FakeService, film_id: str, verdict: Verdict, headline: str
) -> None:
    film = FILMS[film_id]
    _, reply = await bot.command("credits", film.title)
    assert reply.body["type"] == 4
    data = reply.message_data
    assert not data.get("flags", 0) & EPHEMERAL
    check_well_formed(reply)
    embed = embed_of(reply)
    # Verdict first: the embed's title is the headline; the film is the author line.
    assert read_markdown(embed["title"]).outside == headline
    assert embed["author"]["name"] == f"{film.title} ({film.year})"
    assert embed["color"] == VERDICT_COLOURS[verdict].value
    names = [f["name"] for f in embed["fields"]]
    assert names[:3] == ["Year", "Runtime", "Director"]
    assert "Ratings" in names
    check_spoilers(data, secrets_of(film_id))
    if verdict is Verdict.UNKNOWN:
        everything = " ".join([embed["title"], embed.get("description", "")]).lower()
        assert not re.search(r"\bno\b", everything), everything
        assert "don't know" in everything
    assert fake_service.asked[-1].text == film.title


async def test_scene_descriptions_are_inside_spoilers(bot: Harness) -> None:
    _, reply = await bot.command("credits", "Busy Film")
    description = embed_of(reply)["description"]
    read = read_markdown(description)
    assert [s.strip() for s in read.spoilers] == [
        "SECRET-DURING: the hero eats shawarma.",
        "SECRET-AFTER: a stranger offers a deal.",
    ]
    assert "SECRET" not in read.outside
    assert "click a dark bar" in embed_of(reply)["footer"]["text"]


async def test_an_autocomplete_pick_is_looked_up_by_id(
    bot: Harness, fake_service: FakeService
) -> None:
    _, reply = await bot.command("credits", "dune-2021")
    assert embed_of(reply)["author"]["name"] == "Dune (2021)"
    assert fake_service.asked == []  # resolved by id, not as a question


async def test_recap_button_and_imdb_link_under_the_answer(bot: Harness) -> None:
    _, reply = await bot.command("credits", "Late Film")
    buttons = components(reply.message_data)
    assert [b.get("label") for b in buttons] == ["Recap", "IMDb"]
    assert buttons[0]["custom_id"] == "credits:recap:late-film-2003"
    assert buttons[1]["url"] == "https://www.imdb.com/title/tt0000042/"
    _, other = await bot.command("credits", "Quiet Film")
    assert custom_ids(other.message_data) == []  # no recap written: no button


@pytest.mark.parametrize("where", ["dm", "user-install"])
async def test_works_in_dms_and_as_a_user_installed_app(
    bot: Harness, fake_service: FakeService, where: str
) -> None:
    _, reply = await bot.command("credits", "Quiet Film", where=where)
    check_well_formed(reply)
    assert embed_of(reply)["author"]["name"] == "Quiet Film (2001)"
    assert fake_service.asked[-1].text == "Quiet Film"


# --- against the real service and the bundled catalog -----------------------------------


@pytest.mark.parametrize(
    ("value", "film_id", "verdict"),
    [
        ("children-of-heaven-1997", "Children of Heaven (1997)", Verdict.NONE),
        ("the-hangover-2009", "The Hangover (2009)", Verdict.DURING),
        ("does iron man have a post credit scene?", "Iron Man (2008)", Verdict.AFTER),
        ("the avengers 2012", "The Avengers (2012)", Verdict.BOTH),
        ("the truman show", "The Truman Show (1998)", Verdict.UNKNOWN),
    ],
)
async def test_catalog_answers_for_each_verdict(
    catalog_bot: Harness, value: str, film_id: str, verdict: Verdict
) -> None:
    _, reply = await catalog_bot.command("credits", value)
    check_well_formed(reply)
    embed = embed_of(reply)
    assert embed["author"]["name"] == film_id
    assert embed["color"] == VERDICT_COLOURS[verdict].value
    headline = read_markdown(embed["title"]).outside
    if verdict is Verdict.UNKNOWN:
        assert not re.search(r"\bno\b", headline.lower())
    elif verdict is Verdict.NONE:
        assert headline.startswith("No")
    else:
        assert headline.startswith("Yes")


async def test_catalog_autocomplete(catalog_bot: Harness, fake_discord: FakeDiscord) -> None:
    started = time.perf_counter()
    choices = await catalog_bot.autocomplete("credits", "iron ma")
    assert time.perf_counter() - started < 1.0  # Discord allows 3 s and no deferring
    assert {"name": "Iron Man (2008)", "value": "iron-man-2008"} in choices
    assert len(await catalog_bot.autocomplete("credits", "")) == 25
    assert not fake_discord.rejected


async def test_the_choice_menu_remembers_who_asked(bot: Harness) -> None:
    payload, reply = await bot.command("credits", "Dune", user_id=USER_ID)
    assert custom_ids(reply.message_data) == [f"credits:pick:c:{USER_ID}"]
    assert payload["member"]["user"]["id"] == str(USER_ID)


async def test_every_bundled_film_through_the_wire(
    catalog_bot: Harness, fake_discord: FakeDiscord, curated_films: list[Any]
) -> None:
    """/credits for every curated film with a recorded verdict or a recap: well-formed,
    spoilers only inside ||…||."""
    films = [x for x in curated_films if x.film.credits.verdict.recorded or x.film.recap]
    assert len(films) > 400
    for located in films:
        film = located.film
        _, reply = await catalog_bot.command("credits", film.id)
        check_well_formed(reply)
        assert reply.message_data["embeds"][0]["author"]["name"] == film.label
        secrets = [s.description for s in film.credits.scenes if s.description]
        check_spoilers(reply.message_data, secrets)
    assert not fake_discord.rejected
