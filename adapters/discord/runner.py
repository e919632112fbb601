"""``serve()``: run the Discord bot until asked to stop (what ``credits-bot discord`` calls)."""

from __future__ import annotations

import asyncio
import logging

import aiohttp
import discord

from adapters.discord.app import CreditsClient, create_client
from bot.errors import ConfigError
from bot.metrics import METRICS
from bot.service import CreditsLookup
from bot.settings import Settings
from bot.startup import Backoff, start_with_retries

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


REJECTED = (
    "Discord rejected DISCORD_BOT_TOKEN: copy a fresh token from the "
    "Developer Portal (your application -> Bot -> Reset Token)."
)
START_FIRST_DELAY = 1.0
"""Seconds before the first retry of a start that failed on the network (then doubling)."""
NETWORK_FAILURES: tuple[type[BaseException], ...] = (
    aiohttp.ClientError,
    OSError,  # connection refused, DNS, timeouts
    discord.DiscordServerError,  # a 5xx that discord.py's own retries did not get past
)


async def _logged_in(
    settings: Settings, service: CreditsLookup, stop: asyncio.Event
) -> CreditsClient | None:
    """A client logged in over REST (commands registered), retrying network failures
    with backoff; None when asked to stop while waiting. Each attempt uses a fresh
    client, so a half-made HTTP session is never reused."""
    token = settings.discord_token.get() if settings.discord_token else ""
    clients: list[CreditsClient] = []

    async def attempt() -> None:
        client = create_client(settings, service)
        await client.__aenter__()
        try:
            await client.login(token)
        except BaseException:
            await client.close()
            raise
        clients.append(client)

    try:
        started = await start_with_retries(
            attempt,
            transient=NETWORK_FAILURES,
            stop=stop,
            what="Discord",
            backoff=Backoff(settings.start_retries, START_FIRST_DELAY),
        )
    except discord.LoginFailure:
        raise ConfigError(REJECTED) from None
    return clients[-1] if started else None


async def serve(settings: Settings, service: CreditsLookup, stop: asyncio.Event) -> None:
    """Start the client with the token, run until ``stop`` is set, then close cleanly.

    Raises :class:`~bot.errors.ConfigError` when there is no token or Discord rejects it.
    """
    if settings.discord_token is None:
        raise ConfigError("DISCORD_BOT_TOKEN is not set: the Discord bot cannot start.")
    quiet_loggers()
    client = await _logged_in(settings, service, stop)
    if client is None:
        log.info("Discord bot stopped before it started")
        return
    try:  # the client was entered (set up on this loop) when it logged in
        running = asyncio.create_task(client.connect(), name="discord-client")
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
            raise ConfigError(REJECTED) from None
        if error is not None:
            raise error
    finally:
        if not client.is_closed():
            await client.close()
    log.info("Discord: stopped")
