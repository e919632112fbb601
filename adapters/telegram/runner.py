"""``serve()``: run the Telegram bot until asked to stop, then shut down cleanly."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

from telegram.error import InvalidToken
from telegram.ext import Updater

from bot.errors import ConfigError
from bot.service import CreditsLookup
from bot.settings import Settings

from .app import ALLOWED_UPDATES, build_application, set_commands

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 10
"""Long-polling timeout for ``getUpdates``."""


async def serve(settings: Settings, service: CreditsLookup, stop: asyncio.Event) -> None:
    """Start the bot (long polling, or a webhook when one is configured) and run until
    ``stop`` is set; then stop fetching, acknowledge what was fetched, and shut down.

    Unlike ``Application.run_polling`` this does not own the event loop or install
    signal handlers, so it can run beside other platforms; the caller sets ``stop``.
    """
    app = build_application(settings, service)
    updater = app.updater
    if updater is None:  # pragma: no cover - ApplicationBuilder always makes one
        raise RuntimeError("the Telegram application has no updater")
    try:
        await app.initialize()
    except InvalidToken:
        raise ConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather"
        ) from None
    try:
        await set_commands(app.bot)
        await app.start()
        if settings.telegram_webhook_url:
            await _start_webhook(updater, settings)
            mode = "webhook"
        else:
            await updater.start_polling(
                timeout=POLL_TIMEOUT_SECONDS,
                allowed_updates=list(ALLOWED_UPDATES),
            )
            mode = "long polling"
        log.info("Telegram bot @%s is running (%s)", app.bot.username, mode)
        await stop.wait()
        log.info("Telegram bot is stopping")
    finally:
        if updater.running:
            await updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
    log.info("Telegram bot stopped")


async def _start_webhook(updater: Updater, settings: Settings) -> None:
    url = settings.telegram_webhook_url or ""
    secret = settings.telegram_webhook_secret
    if secret is None:
        log.warning(
            "TELEGRAM_WEBHOOK_SECRET is not set: anyone who finds the webhook URL can send "
            "it updates"
        )
    await updater.start_webhook(
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret.get() if secret else None,
        allowed_updates=list(ALLOWED_UPDATES),
    )
