"""The rate limits of every interaction a person starts: slash commands and the buttons,
menus and forms under answers (one limiter, on the client's command tree)."""

from __future__ import annotations

import logging
from typing import Any

import discord

from adapters.discord.language import translator_for
from adapters.discord.markup import NO_MENTIONS
from bot.ratelimit import SLOW_DOWN, Decision, RateLimiter

log = logging.getLogger(__name__)


def limiter_of(interaction: discord.Interaction[Any]) -> RateLimiter | None:
    tree = getattr(interaction.client, "tree", None)
    limiter = getattr(tree, "limiter", None)
    return limiter if isinstance(limiter, RateLimiter) else None


async def within_limits(interaction: discord.Interaction[Any]) -> bool:
    """Whether to serve this interaction: refuse beyond the per-person and per-server (or
    per-channel, outside servers) limits; the first refusal of a burst gets one ephemeral
    "slow down" reply, the rest none. Autocomplete is never limited."""
    limiter = limiter_of(interaction)
    if limiter is None or interaction.type is discord.InteractionType.autocomplete:
        return True
    place = (
        ("guild", interaction.guild_id)
        if interaction.guild_id is not None
        else ("channel", interaction.channel_id)
    )
    decision = limiter.check(("user", interaction.user.id), place)
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
