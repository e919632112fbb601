"""The python-telegram-bot application: built from settings, wired to the service."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, BotCommand, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, BaseRateLimiter, Defaults

from bot.errors import ConfigError
from bot.ratelimit import RateLimiter, limiter_for
from bot.service import CreditsLookup
from bot.settings import Settings

from .flood import FairUpdateProcessor
from .handlers import TelegramApp, TelegramHandlers, command_menus

RATE_LIMIT_RETRIES = 3
"""How often a request that got a 429 (flood control) is retried after ``retry_after``."""

ALLOWED_UPDATES = ("message", "callback_query", "inline_query")

# httpx logs every request URL at INFO, and a Bot API URL contains the token.
_NOISY_LOGGERS = ("httpx", "httpcore")
# python-telegram-bot logs its API URL (token included) at DEBUG when a Bot is made.
_LIBRARY_LOGGERS = (
    "telegram",
    "telegram.Bot",
    "telegram.ext",
    "telegram.ext.ExtBot",
    "telegram.ext.Updater",
    "telegram.ext.Application",
)


class _RedactToken(logging.Filter):
    """Replaces the token's secret part in a record's message before any handler sees it."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret in message:
            record.msg = message.replace(self.secret, "[token]")
            record.args = None
        return True


def keep_token_out_of_logs(token: str) -> None:
    """Quiet the HTTP client's request lines and redact the token from the library's."""
    for name in _NOISY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    secret = token.rpartition(":")[2] or token
    for name in _LIBRARY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _RedactToken) and f.secret == secret for f in logger.filters):
            logger.addFilter(_RedactToken(secret))


def build_application(
    settings: Settings,
    service: CreditsLookup,
    *,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> TelegramApp:
    """An application with every handler registered; not yet initialized."""
    if settings.telegram_token is None:
        raise ConfigError("TELEGRAM_BOT_TOKEN is not set: the Telegram bot cannot start")
    keep_token_out_of_logs(settings.telegram_token.get())
    app: TelegramApp = (
        ApplicationBuilder()
        .token(settings.telegram_token.get())
        .base_url(settings.telegram_api_base_url)
        .rate_limiter(rate_limiter or AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(
            FairUpdateProcessor(
                rate_limiter_of(settings),
                max_concurrent=settings.telegram_workers,
                chat_queue=settings.telegram_chat_queue,
            )
        )
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                allow_sending_without_reply=True,
            )
        )
        .build()
    )
    TelegramHandlers(service, settings).register(app)
    return app


def rate_limiter_of(settings: Settings) -> RateLimiter:
    """The per-person and per-chat limits of the settings."""
    return limiter_for(settings, "telegram")


async def set_commands(bot: Bot) -> None:
    """The command list Telegram shows in the "/" menu: one call per language (the
    English one, without a language code, is what everybody else sees)."""
    for code, commands in command_menus():
        await bot.set_my_commands(
            [BotCommand(name, description) for name, description in commands],
            language_code=code,
        )
