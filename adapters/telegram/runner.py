"""``serve()``: run the Telegram bot until asked to stop, then shut down cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from pathlib import Path
from urllib.parse import urlsplit

from telegram.error import InvalidToken, NetworkError
from telegram.ext import Updater

from bot.errors import ConfigError
from bot.metrics import METRICS
from bot.service import CreditsLookup
from bot.settings import Settings
from bot.startup import Backoff, start_with_retries

from .app import ALLOWED_UPDATES, build_application, set_commands
from .flood import FairUpdateProcessor
from .handlers import TelegramApp

log = logging.getLogger(__name__)

POLL_TIMEOUT_SECONDS = 10
"""Long-polling timeout for ``getUpdates``."""
START_FIRST_DELAY = 1.0
"""Seconds before the first retry of a start that failed on the network (then doubling)."""
HEARTBEAT_SECONDS = 60.0
"""How often the bot notes that it is up (``telegram.alive`` in the state directory), to
tell at the next start how long it was down."""
HEARTBEAT_FILE = "telegram.alive"
DRAIN_SECONDS = 8.0
"""The default of ``TELEGRAM_DRAIN_SECONDS``: at shutdown, how long queued updates may
still be answered (systemd's stop timeout leaves room for it and the rest of the
shutdown)."""


def _last_alive(path: Path) -> float | None:
    try:
        return float(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None


def _note_alive(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{time.time():.0f}\n", encoding="ascii")
    except OSError as exc:
        log.debug("cannot write %s: %s", path, exc)


def drop_pending(settings: Settings, now: float | None = None) -> bool:
    """Whether to drop the updates that waited while the bot was down: always when
    ``TELEGRAM_DROP_PENDING_AFTER`` is 0, else when it was down longer than that. Answers to
    questions hours old are noise, and a backlog would arrive as one flood; after a quick
    restart (a deploy) nothing is lost. A first start (no note) keeps them."""
    after = settings.telegram_drop_pending_after
    if after <= 0:
        return True
    last = _last_alive(settings.state_dir / HEARTBEAT_FILE)
    if last is None:
        return False
    down = (time.time() if now is None else now) - last
    if down > after:
        log.info(
            "Telegram: down for %.0f s (more than %d): dropping the updates sent meanwhile",
            down,
            after,
        )
        return True
    return False


async def _heartbeat(path: Path) -> None:
    while True:
        _note_alive(path)
        await asyncio.sleep(HEARTBEAT_SECONDS)


async def serve(settings: Settings, service: CreditsLookup, stop: asyncio.Event) -> None:
    """Start the bot (long polling, or a webhook when one is configured) and run until
    ``stop`` is set; then stop fetching, acknowledge what was fetched, and shut down.

    Unlike ``Application.run_polling`` this does not own the event loop or install
    signal handlers, so it can run beside other platforms; the caller sets ``stop``.
    """
    if settings.telegram_webhook_url and settings.telegram_webhook_secret is None:
        raise ConfigError(
            "TELEGRAM_WEBHOOK_URL is set but TELEGRAM_WEBHOOK_SECRET is not: without it anyone "
            "who finds the URL can send the bot forged updates (set 1-256 of A-Z a-z 0-9 _ -)"
        )
    app = build_application(settings, service)
    updater = app.updater
    if updater is None:  # pragma: no cover - ApplicationBuilder always makes one
        raise RuntimeError("the Telegram application has no updater")
    try:
        started = await start_with_retries(
            app.initialize,
            transient=(NetworkError,),
            stop=stop,
            what="Telegram",
            backoff=Backoff(settings.start_retries, START_FIRST_DELAY),
        )
    except InvalidToken:
        raise ConfigError(
            "Telegram rejected TELEGRAM_BOT_TOKEN; check it with @BotFather"
        ) from None
    if not started:
        await app.shutdown()
        log.info("Telegram bot stopped before it started")
        return
    alive = settings.state_dir / HEARTBEAT_FILE
    heartbeat: asyncio.Task[None] | None = None
    try:
        await set_commands(app.bot)
        await app.start()
        drop = drop_pending(settings)
        if settings.telegram_webhook_url:
            await _start_webhook(updater, settings, drop=drop)
            mode = "webhook"
        else:
            await updater.start_polling(
                timeout=POLL_TIMEOUT_SECONDS,
                allowed_updates=list(ALLOWED_UPDATES),
                drop_pending_updates=drop,
            )
            mode = "long polling"
        heartbeat = asyncio.create_task(_heartbeat(alive), name="telegram-heartbeat")
        log.info("Telegram bot @%s is running (%s)", app.bot.username, mode)
        METRICS.platform_up("telegram", True)
        await stop.wait()
        log.info("Telegram bot is stopping")
    finally:
        METRICS.platform_up("telegram", False)
        await _shut_down(app, heartbeat, alive, settings.telegram_drain_seconds)
    log.info("Telegram bot stopped")


async def _shut_down(
    app: TelegramApp, heartbeat: asyncio.Task[None] | None, alive: Path, drain: float
) -> None:
    """Stop fetching, let the queued updates finish (at most a drain's time), stop."""
    if heartbeat is not None:
        heartbeat.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await heartbeat
        _note_alive(alive)
    updater = app.updater
    if updater is not None and updater.running:
        await updater.stop()
    processor = app.update_processor
    if isinstance(processor, FairUpdateProcessor) and app.running:
        await processor.drain(drain)
    if app.running:
        await app.stop()
    await app.shutdown()


async def _start_webhook(updater: Updater, settings: Settings, *, drop: bool) -> None:
    url = settings.telegram_webhook_url or ""
    secret = settings.telegram_webhook_secret
    await updater.start_webhook(
        drop_pending_updates=drop,
        listen=settings.telegram_webhook_listen,
        port=settings.telegram_webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret.get() if secret else None,
        allowed_updates=list(ALLOWED_UPDATES),
    )
