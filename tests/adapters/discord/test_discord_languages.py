"""The asker's Discord language picks the reply's language; commands are registered with
their names and descriptions translated."""

from __future__ import annotations

from typing import Any

import pytest
from discord_testkit import (
    EPHEMERAL,
    FILMS,
    FakeDiscord,
    Harness,
    check_spoilers,
    check_well_formed,
    command_problems,
    components,
    custom_ids,
    read_markdown,
)


def embed_of(reply: Any) -> dict[str, Any]:
    embeds: list[dict[str, Any]] = reply.message_data["embeds"]
    return embeds[0]


@pytest.mark.parametrize(
    ("locale", "headline", "year"),
    [
        ("es-ES", "Sí — 2 escenas: 1 durante y 1 después de los créditos", "Año"),
        ("es-419", "Sí — 2 escenas: 1 durante y 1 después de los créditos", "Año"),
        ("pt-BR", "Sim — 2 cenas: 1 durante e 1 depois dos créditos", "Ano"),
        ("de", "Ja — 2 Szenen: 1 während, 1 nach dem Abspann", "Jahr"),
        ("ru", "Да — 2 сцены: 1 во время и 1 после титров", "Год"),
        ("en-GB", "Yes — 2 scenes: 1 during, 1 after the credits", "Year"),
        ("ja", "Yes — 2 scenes: 1 during, 1 after the credits", "Year"),  # not spoken: English
    ],
)
async def test_the_interaction_locale_picks_the_language(
    bot: Harness, locale: str, headline: str, year: str
) -> None:
    film = FILMS["busy-film-2004"]
    _, reply = await bot.command("credits", film.title, locale=locale)
    check_well_formed(reply)
    embed = embed_of(reply)
    assert read_markdown(embed["title"]).outside == headline
    assert embed["author"]["name"] == f"{film.title} ({film.year})"  # film data as written
    assert embed["fields"][0]["name"] == year
    secrets = [s.description for s in film.credits.scenes if s.description]
    check_spoilers(reply.message_data, secrets)


async def test_buttons_and_the_recap_follow_the_clicker_language(bot: Harness) -> None:
    film = FILMS["late-film-2003"]
    assert film.recap
    _, reply = await bot.command("credits", film.title, locale="es-ES")
    message = bot.message_of(reply)
    buttons = [c for c in components(message) if c.get("custom_id", "").startswith("credits:recap")]
    assert [b["label"] for b in buttons] == ["Resumen"]
    (recap_id,) = [c for c in custom_ids(message) if c.startswith("credits:recap")]
    _, recap = await bot.click(message, recap_id, locale="de")
    embed = embed_of(recap)
    assert read_markdown(embed["author"]["name"]).outside == f"Handlung: {film.title} ({film.year})"
    assert read_markdown(embed["title"]).outside == "Was in Late Film passiert"
    assert embed["footer"]["text"].startswith("Szenen und Handlung sind verborgen")
    check_spoilers(recap.message_data, ["SECRET-RECAP: the twist happens."])


async def test_not_found_and_ambiguity_in_the_asker_language(bot: Harness) -> None:
    _, reply = await bot.command("credits", "zzzz no such film zzzz", locale="fr")
    assert reply.message_data.get("flags", 0) & EPHEMERAL
    content = reply.message_data["content"]
    assert "Je n’ai trouvé aucun film intitulé « zzzz no such film zzzz »." in content


async def test_commands_are_registered_with_their_translations(
    bot: Harness, fake_discord: FakeDiscord
) -> None:
    commands = {c["name"]: c for c in fake_discord.commands["global"]}
    assert not command_problems(list(commands.values()))
    credits = commands["credits"]
    assert credits["name_localizations"]["es-ES"] == "créditos"
    assert credits["name_localizations"]["es-419"] == "créditos"
    assert credits["name_localizations"]["de"] == "abspann"
    assert credits["name_localizations"]["ru"] == "титры"
    assert credits["description_localizations"]["fr"] == (
        "Y a-t-il une scène pendant ou après le générique d’un film ?"
    )
    assert commands["recap"]["name_localizations"]["pt-BR"] == "resumo"
    (option,) = credits["options"]
    assert option["name"] == "title"
    assert option["name_localizations"]["de"] == "titel"
    assert option["description_localizations"]["ru"].startswith("Фильм, например")
    # English locales keep the English names; locales the bot does not speak are left out.
    assert "en-US" not in credits["name_localizations"]
    assert "ja" not in credits["name_localizations"]
