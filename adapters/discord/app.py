"""The Discord client: slash commands, autocomplete, the error hook.

Registering the commands: :mod:`adapters.discord.sync`.

Slash commands only, so no privileged intent. Everything the client needs (the service,
the test guild) is passed into its constructor by :func:`create_client`.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from adapters.discord.failures import report_error
from adapters.discord.language import (
    CommandTranslator,
    chat_key,
    chat_prefs,
    load_chat_settings,
    translator_for,
)
from adapters.discord.limits import within_limits
from adapters.discord.markup import CHOICE_NAME_LIMIT, NO_MENTIONS, plain
from adapters.discord.replies import (
    DYNAMIC_ITEMS,
    Mode,
    answer_title,
    embed_reply,
    is_film_id,
    notice,
    post_review,
    send,
    service_of,
    submit_report,
)
from adapters.discord.sync import sync_at_start
from bot.i18n import LANGUAGES, N_, NAMES, NP_
from bot.limits import MAX_QUESTION
from bot.metrics import METRICS
from bot.ratelimit import RateLimiter, limiter_for
from bot.render.about import about_document
from bot.reports import reports_of
from bot.service import CreditsLookup
from bot.settings import Settings
from bot.state.base import Report

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
        """Before any command: the chat's settings into the cache (its language); then the
        rate limits (:func:`adapters.discord.limits.within_limits`)."""
        await load_chat_settings(interaction)
        return await within_limits(interaction)

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
        settings: Settings | None = None,
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
        self.settings = settings
        """For the review channel: its id, the maintainers, where accepted facts go."""
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
        reports = reports_of(self.service)
        review = self.settings.review_discord_channel_id if self.settings else None
        if reports is not None and review is not None:

            async def post(report: Report) -> None:
                await post_review(self, reports, review, report)

            reports.listeners.append(post)
        await self.tree.set_translator(CommandTranslator())
        if self.sync_commands:
            await sync_at_start(self.tree, self.guild_id, self.state_dir)

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """Report forms are handled from the interaction alone (see ``ReportModal``)."""
        await submit_report(interaction)

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
        "settings": settings,
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
ABOUT = NP_("discord command", "about")
SETTINGS = NP_("discord command", "settings")
PUBLIC = NP_("discord command", "public")
LANGUAGE = NP_("discord command", "language")
SCENES = NP_("discord command", "scene-descriptions")
AUTOMATIC = "-"
ADMINS_ONLY = N_("Only members who can manage this server can change its settings.")


def _name(name: str) -> app_commands.locale_str:
    return app_commands.locale_str(name, context=COMMAND)


def build_commands() -> list[app_commands.Command[Any, ..., None]]:
    """Fresh command objects for one tree: ``/credits``, ``/recap`` and ``/about``, their names and
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

    @app_commands.command(
        name=_name(ABOUT),
        description=ls(N_("What this bot does, where its facts come from, what it stores")),
    )
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
    async def about(interaction: discord.Interaction[Any]) -> None:
        doc = about_document(t=translator_for(interaction))
        reply = embed_reply(doc)
        reply.ephemeral = True
        await send(interaction, reply)

    return [credits, recap, about, _settings_command()]


def _settings_command() -> app_commands.Command[Any, ..., None]:
    """``/settings``: this server's replies and answer language (Manage Server)."""
    ls = app_commands.locale_str
    language_choices = [
        app_commands.Choice(name=ls(N_("Automatic (each person's language)")), value=AUTOMATIC),
        *(app_commands.Choice(name=NAMES[code], value=code) for code in LANGUAGES),
    ]

    @app_commands.command(
        name=_name(SETTINGS),
        description=ls(N_("This server's replies and answer language (Manage Server)")),
    )
    @app_commands.rename(public=_name(PUBLIC), language=_name(LANGUAGE), scenes=_name(SCENES))
    @app_commands.describe(
        public=ls(N_("Answers visible to everyone (else only to the asker)")),
        language=ls(N_("The language I answer in here")),
        scenes=ls(N_("Describe each scene, behind spoiler tags (else only say where it is)")),
    )
    @app_commands.choices(language=language_choices)
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.allowed_installs(guilds=True, users=True)
    @app_commands.allowed_contexts(guilds=True, dms=True, private_channels=False)
    async def settings(
        interaction: discord.Interaction[Any],
        public: bool | None = None,
        language: app_commands.Choice[str] | None = None,
        scenes: bool | None = None,
    ) -> None:
        code = language.value if language else None
        await change_settings(interaction, public, code, scenes)

    return settings


async def change_settings(
    interaction: discord.Interaction[Any],
    public: bool | None,
    language: str | None,
    scenes: bool | None = None,
) -> None:
    """``/settings``: show, or (for members with Manage Server; in a DM, its person)
    change, whether answers are public, the language they are in and whether they describe
    the scenes (always behind spoiler tags) or only say where they are."""
    t = translator_for(interaction)
    prefs = chat_prefs(interaction)
    if prefs is None:
        await send(interaction, notice(t.gettext("Settings are not available here.")))
        return
    if interaction.guild_id is not None and not interaction.permissions.manage_guild:
        await send(interaction, notice(t.gettext(ADMINS_ONLY)))
        return
    current = await prefs.load(chat_key(interaction))
    changed = current
    if public is not None:
        changed = dataclasses.replace(changed, public_replies=public)
    if language is not None and (language == AUTOMATIC or language in NAMES):
        changed = dataclasses.replace(changed, language=None if language == AUTOMATIC else language)
    if scenes is not None:
        changed = dataclasses.replace(changed, hide_scenes=not scenes)
    if changed != current:
        await prefs.save(changed)
    t = translator_for(interaction)
    lines = [
        t.gettext("Settings for this server")
        if interaction.guild_id is not None
        else t.gettext("Settings for this chat"),
        t.gettext("Replies: visible to everyone")
        if changed.public_replies
        else t.gettext("Replies: only for the asker"),
        t.gettext(
            "Answer language: {language}",
            language=NAMES.get(changed.language or "", t.gettext("automatic")),
        ),
        t.gettext("Scene descriptions: left out")
        if changed.hide_scenes
        else t.gettext("Scene descriptions: shown, behind spoiler tags"),
    ]
    await send(interaction, notice("\n".join(lines)))
