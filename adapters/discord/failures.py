"""The adapter's one error hook: the traceback goes to the log, the user gets one line."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands

from adapters.discord.language import translator_for
from adapters.discord.markup import CONTENT_LIMIT, NO_MENTIONS, escape_trimmed
from bot.errors import BotError
from bot.texts import APOLOGY

log = logging.getLogger(__name__)


def _what(interaction: discord.Interaction[Any]) -> str:
    if interaction.command is not None:
        return f"/{interaction.command.qualified_name}"
    data: Any = interaction.data or {}
    return str(data.get("custom_id", interaction.type.name))


def unwrap(error: BaseException) -> BaseException:
    """The exception a command really raised (discord.py wraps it)."""
    if isinstance(error, app_commands.CommandInvokeError):
        return error.original
    return error


async def report_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """Log the traceback and answer with a short, ephemeral apology (never the traceback).

    A :class:`~bot.errors.BotError`'s message is meant for users, so it is shown instead
    of the generic apology.
    """
    cause = unwrap(error)
    log.error(
        "Error while handling %s (interaction %s)",
        _what(interaction),
        interaction.id,
        exc_info=(type(cause), cause, cause.__traceback__),
    )
    if interaction.type is discord.InteractionType.autocomplete:
        return  # an autocomplete cannot carry a message; Discord shows "loading failed"
    if isinstance(cause, BotError) and str(cause):
        text = str(cause)
    else:
        text = translator_for(interaction).gettext(APOLOGY)
    text = escape_trimmed(text, CONTENT_LIMIT)
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(
                text, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
    except discord.HTTPException as exc:
        log.warning("Could not send the apology for interaction %s: %s", interaction.id, exc)
    except Exception:
        log.exception("Could not send the apology for interaction %s", interaction.id)
