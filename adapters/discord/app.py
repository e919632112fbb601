"""The Discord client: slash commands, autocomplete, the error hook.

Registering the commands: :mod:`adapters.discord.sync`.

Slash commands only, so no privileged intent. Everything the client needs (the service,
the test guild) is passed into its constructor by :func:`create_client`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from adapters.discord.failures import report_error
from adapters.discord.language import CommandTranslator, translator_for
from adapters.discord.markup import CHOICE_NAME_LIMIT, NO_MENTIONS, plain
from adapters.discord.replies import (
    DYNAMIC_ITEMS,
    Mode,
    answer_title,
    is_film_id,
    service_of,
)
from adapters.discord.sync import sync_at_start
from bot.i18n import N_, NP_
from bot.limits import MAX_QUESTION
from bot.metrics import METRICS
from bot.ratelimit import SLOW_DOWN, Decision, RateLimiter, limiter_for
from bot.service import CreditsLookup
from bot.settings import Settings

log = logging.getLogger(__name__)

AUTOCOMPLETE_CHOICES = 25
AUTOCOMPLETE_BUDGET = 2.0
"""Seconds the core may take for suggestions: an autocomplete cannot be deferred."""


def intents() -> discord.Intents:
    """No privileged intent: slash commands need only the guilds intent (for the cache)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class CreditsTree(app_commands.CommandTree[Any]):
    limiter: RateLimiter | None = None
    """Per-person and per-server (or per-channel, outside servers) limits on commands;
    None: no limit."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        """Refuse commands beyond the rate limits: the first refusal of a burst gets one
        ephemeral "slow down" reply, the rest none (autocomplete is never limited)."""
        if self.limiter is None or interaction.type is discord.InteractionType.autocomplete:
            return True
        place = (
            ("guild", interaction.guild_id)
            if interaction.guild_id is not None
            else ("channel", interaction.channel_id)
        )
        decision = self.limiter.check(("user", interaction.user.id), place)
        if decision is Decision.ALLOW:
            return True
        log.info("Discord: rate limit: %s for user %s", decision.value, interaction.user.id)
        if decision is Decision.NOTIFY:
            text = translator_for(interaction).gettext(SLOW_DOWN)
            try:
                await interaction.response.send_message(
                    text, ephemeral=True, allowed_mentions=NO_MENTIONS
                )
            except discord.HTTPException as exc:
                log.warning("Could not send the slow-down reply: %s", exc)
        return False

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)


class CreditsClient(discord.Client):
    """A client that answers ``/credits`` and ``/recap`` from a credits service."""

    def __init__(
        self,
        service: CreditsLookup,
        *,
        guild_id: int | None = None,
        sync_commands: bool = True,
        state_dir: Path | None = None,
        limiter: RateLimiter | None = None,
        **options: Any,
    ) -> None:
        options.setdefault("intents", intents())
        options.setdefault("allowed_mentions", NO_MENTIONS)
        options.setdefault(
            "activity", discord.Activity(type=discord.ActivityType.watching, name="the credits")
        )
        super().__init__(**options)
        self.service = service
        self.guild_id = guild_id
        self.sync_commands = sync_commands
        self.state_dir = state_dir
        """Where the hash of the registered commands is kept (None: register at every
        start)."""
        self.tree = CreditsTree(self)
        self.tree.limiter = limiter
        for command in build_commands():
            self.tree.add_command(command)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.tree.set_translator(CommandTranslator())
        if self.sync_commands:
            await sync_at_start(self.tree, self.guild_id, self.state_dir)

    async def on_ready(self) -> None:
        user = self.user
        log.info("Discord: logged in as %s (%s)", user, user.id if user else "?")
        METRICS.platform_up("discord", True)

    async def on_disconnect(self) -> None:
        METRICS.platform_up("discord", False)

    async def on_resumed(self) -> None:
        METRICS.platform_up("discord", True)


class ShardedCreditsClient(CreditsClient, discord.AutoShardedClient):
    """The same client over discord.py's ``AutoShardedClient``."""


def create_client(settings: Settings, service: CreditsLookup) -> CreditsClient:
    """The client for these settings: sharded when ``DISCORD_SHARDS`` is set."""
    shards = settings.discord_shards
    options: dict[str, Any] = {
        "guild_id": settings.discord_guild_id,
        "state_dir": settings.state_dir,
        "limiter": limiter_for(settings, "discord"),
    }
    if shards is None:
        return CreditsClient(service, **options)
    count = None if shards == "auto" else int(shards)
    return ShardedCreditsClient(service, shard_count=count, **options)


async def title_choices(service: CreditsLookup, current: str) -> list[app_commands.Choice[str]]:
    """Autocomplete: "Title (Year)" shown, the film id as the value."""
    try:
        found = await asyncio.wait_for(
            service.suggest(current[:MAX_QUESTION], AUTOCOMPLETE_CHOICES), AUTOCOMPLETE_BUDGET
        )
    except TimeoutError:
        log.warning("Suggestions took longer than %.1f s: answering none", AUTOCOMPLETE_BUDGET)
        return []
    choices: list[app_commands.Choice[str]] = []
    seen: set[str] = set()
    for choice in found:
        if choice.id in seen or not is_film_id(choice.id):
            continue
        seen.add(choice.id)
        name = plain(choice.label, CHOICE_NAME_LIMIT) or choice.id
        choices.append(app_commands.Choice(name=name, value=choice.id))
    return choices[:AUTOCOMPLETE_CHOICES]


async def _autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    try:
        return await title_choices(service_of(interaction), current)
    except Exception as exc:
        await report_error(interaction, exc)
        return []


COMMAND = "discord command"
"""The message context of a command's or an option's name (a lowercase word)."""
CREDITS = NP_("discord command", "credits")
RECAP = NP_("discord command", "recap")
TITLE = NP_("discord command", "title")


def _name(name: str) -> app_commands.locale_str:
    return app_commands.locale_str(name, context=COMMAND)


def build_commands() -> list[app_commands.Command[Any, ..., None]]:
    """Fresh command objects for one tree: ``/credits`` and ``/recap``, their names and
    descriptions translated by :class:`CommandTranslator` when they are registered."""
    ls = app_commands.locale_str
    example = ls(N_("The film, e.g. Iron Man or Dune 2021"))

    @app_commands.command(
        name=_name(CREDITS),
        description=ls(N_("Is there a scene during or after the credits of a film?")),
    )
    @app_commands.rename(title=_name(TITLE))
    @app_commands.describe(title=example)
    @app_commands.autocomplete(title=_autocomplete)
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def credits(interaction: discord.Interaction[Any], title: str) -> None:
        await answer_title(interaction, service_of(interaction), title, Mode.CREDITS)

    @app_commands.command(
        name=_name(RECAP), description=ls(N_("What happens in a film (behind spoilers)."))
    )
    @app_commands.rename(title=_name(TITLE))
    @app_commands.describe(title=example)
    @app_commands.autocomplete(title=_autocomplete)
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def recap(interaction: discord.Interaction[Any], title: str) -> None:
        await answer_title(interaction, service_of(interaction), title, Mode.RECAP)

    return [credits, recap]
