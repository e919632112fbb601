"""Which language to answer an interaction in, and the slash commands' translations."""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.i18n import DEFAULT_LANGUAGE, Translator, choose_language, supported, translator


def chat_language(interaction: discord.Interaction[Any]) -> str | None:
    """The language chosen for this chat (server channel or DM), where one is stored.

    The hook for per-chat settings: none are stored yet, so this is always None and the
    user's own Discord language decides.
    """
    return None


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
