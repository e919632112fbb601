"""``/about``: what the bot does, its sources with their attributions, what it stores."""

from __future__ import annotations

from typing import Any

from discord_testkit import (
    EPHEMERAL,
    Harness,
    _interaction,
    check_well_formed,
    markdown_strings,
    read_markdown,
    snowflake,
)


async def about(bot: Harness, locale: str = "en-US") -> dict[str, Any]:
    payload = _interaction(2, {"id": str(snowflake()), "name": "about", "type": 1}, locale=locale)
    bot.dispatch(payload)
    (reply,) = await bot.fake.replies(payload)
    check_well_formed(reply)
    data: dict[str, Any] = reply.message_data
    return data


def shown_text(data: dict[str, Any]) -> str:
    return " ".join(" ".join(read_markdown(t).outside.split()) for t in markdown_strings(data))


async def test_about_names_sources_and_what_is_stored(bot: Harness) -> None:
    data = await about(bot)
    assert data["flags"] & EPHEMERAL
    shown = shown_text(data)
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in shown
    assert "aftercredits.com" in shown and "CC BY-SA" in shown
    assert "salted hash" in shown and "credits-bot reports forget PLATFORM USER_ID" in shown


async def test_about_in_the_users_language_keeps_the_tmdb_notice(bot: Harness) -> None:
    shown = shown_text(await about(bot, "de"))
    assert "Was über dich gespeichert wird" in shown
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in shown
