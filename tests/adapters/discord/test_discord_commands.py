"""The registered command schema and autocomplete."""

from __future__ import annotations

from discord_testkit import FakeDiscord, Harness, choice_problems


async def test_commands_registered_with_required_autocompleted_title(
    bot: Harness, fake_discord: FakeDiscord
) -> None:
    commands = {c["name"]: c for c in fake_discord.commands["global"]}
    assert set(commands) == {"credits", "recap", "about", "settings"}
    assert "options" not in commands["about"] or commands["about"]["options"] == []
    for name in ("credits", "recap"):
        command = commands[name]
        (option,) = command["options"]
        assert option["name"] == "title"
        assert option["type"] == 3
        assert option["required"] is True
        assert option["autocomplete"] is True
        assert sorted(command["contexts"]) == [0, 1, 2]
        assert sorted(command["integration_types"]) == [0, 1]


async def test_autocomplete(bot: Harness) -> None:
    choices = await bot.autocomplete("credits", "du")
    assert choices == [
        {"name": "Dune (1984)", "value": "dune-1984"},
        {"name": "Dune (2021)", "value": "dune-2021"},
    ]
    assert not choice_problems(choices)
