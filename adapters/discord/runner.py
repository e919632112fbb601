"""``serve()``: run the Discord bot until asked to stop (what ``credits-bot discord`` calls)."""

from __future__ import annotations

import asyncio
import logging

import discord

from adapters.discord.app import create_client
from bot.errors import ConfigError
from bot.metrics import METRICS
from bot.service import CreditsLookup
from bot.settings import Settings

log = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT = 10.0
CANCEL_TIMEOUT = 2.0
"""Seconds a cancelled client may take to unwind before it is left behind."""
NOISY_LOGGERS = ("discord.http", "discord.webhook.async_")
"""Request-level chatter (webhook URLs carry interaction tokens): warnings only."""


def quiet_loggers() -> None:
    for name in NOISY_LOGGERS:
        logger = logging.getLogger(name)
        if logger.getEffectiveLevel() < logging.WARNING:
            logger.setLevel(logging.WARNING)


def task_error(task: asyncio.Task[None]) -> BaseException | None:
    """What the finished client task raised (None when it returned, was cancelled or is
    somehow still running)."""
    if not task.done():
        log.warning("Discord: the client task is still running after cancellation")
        return None
    if task.cancelled():
        return None
    return task.exception()


async def serve(settings: Settings, service: CreditsLookup, stop: asyncio.Event) -> None:
    """Start the client with the token, run until ``stop`` is set, then close cleanly.

    Raises :class:`~bot.errors.ConfigError` when there is no token or Discord rejects it.
    """
    if settings.discord_token is None:
        raise ConfigError("DISCORD_BOT_TOKEN is not set: the Discord bot cannot start.")
    quiet_loggers()
    client = create_client(settings, service)
    async with client:
        running = asyncio.create_task(
            client.start(settings.discord_token.get()), name="discord-client"
        )
        stopping = asyncio.create_task(stop.wait(), name="discord-stop")
        try:
            await asyncio.wait({running, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not running.done():
                log.info("Discord: shutting down")
                await client.close()
                done, _ = await asyncio.wait({running}, timeout=SHUTDOWN_TIMEOUT)
                if not done:
                    log.warning("Discord: the client did not stop in time; cancelling it")
                    running.cancel()
                    # Let the cancellation land before reading the outcome: reading a
                    # task's exception before it is done raises InvalidStateError.
                    await asyncio.wait({running}, timeout=CANCEL_TIMEOUT)
        METRICS.platform_up("discord", False)
        error = task_error(running)
        if isinstance(error, discord.LoginFailure):
            raise ConfigError(
                "Discord rejected DISCORD_BOT_TOKEN: copy a fresh token from the "
                "Developer Portal (your application -> Bot -> Reset Token)."
            ) from None
        if error is not None:
            raise error
    log.info("Discord: stopped")
