"""Which language to answer an interaction in, and the slash commands' translations."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.chatprefs import ChatPrefs
from bot.i18n import DEFAULT_LANGUAGE, Translator, choose_language, supported, translator
from bot.reports import reports_of
from bot.state.base import ChatSettings


def chat_key(interaction: discord.Interaction[Any]) -> str:
    """Whose settings apply: the server's, or in a DM the person's own."""
    if interaction.guild_id is not None:
        return f"discord:guild:{interaction.guild_id}"
    return f"discord:user:{interaction.user.id}"


def chat_prefs(interaction: discord.Interaction[Any]) -> ChatPrefs | None:
    """The per-chat settings of the client's service, when it has a state store."""
    reports = reports_of(getattr(interaction.client, "service", None))
    return reports.chats if reports is not None else None


async def load_chat_settings(interaction: discord.Interaction[Any]) -> ChatSettings | None:
    """Read the chat's settings into the cache (before anything is said)."""
    prefs = chat_prefs(interaction)
    return await prefs.load(chat_key(interaction)) if prefs is not None else None


def cached_chat_settings(interaction: discord.Interaction[Any]) -> ChatSettings | None:
    prefs = chat_prefs(interaction)
    return prefs.cached(chat_key(interaction)) if prefs is not None else None


def scenes_shown(interaction: discord.Interaction[Any]) -> bool:
    """Whether this server (or DM) shows scene descriptions (behind spoiler markup, as
    always) or chose with ``/settings`` to leave them out."""
    settings = cached_chat_settings(interaction)
    return settings is None or not settings.hide_scenes


def chat_language(interaction: discord.Interaction[Any]) -> str | None:
    """The language chosen for this server (or DM) with ``/settings``, where one is
    stored; read from the cache :func:`load_chat_settings` fills as interactions arrive."""
    settings = cached_chat_settings(interaction)
    return settings.language if settings is not None else None


def translator_for(interaction: discord.Interaction[Any]) -> Translator:
    """The language to answer this interaction in: the chat's setting, else the user's
    Discord locale (``es-ES``, ``es-419``, ``pt-BR``...), else English."""
    locale = getattr(interaction, "locale", None)
    code = locale.value if isinstance(locale, discord.Locale) else None
    return translator(choose_language(chat_language(interaction), code))


class CommandTranslator(app_commands.Translator):
    """Command names, option names and descriptions in every language Discord offers
    that the bot speaks: sent with the commands when they are registered.

    A :class:`~discord.app_commands.locale_str` may carry ``context=`` (the message
    context of a name, e.g. ``"discord command"``).
    """

    async def translate(
        self,
        string: app_commands.locale_str,
        locale: discord.Locale,
        context: app_commands.TranslationContextTypes,
    ) -> str | None:
        lang = supported(locale.value)
        if lang is None or lang == DEFAULT_LANGUAGE:
            return None
        t = translator(lang)
        msgctxt = string.extras.get("context")
        if isinstance(msgctxt, str):
            return t.pgettext(msgctxt, string.message)
        return t.gettext(string.message)
