"""Fair under floods: rate limits, a bounded queue per chat, a shutdown that drains.

python-telegram-bot hands every update to an *update processor*. This one

- asks the core's :class:`~bot.ratelimit.RateLimiter` first (per person and per chat):
  a refused message gets one short "slow down" reply per burst, the rest are dropped
  before they take a worker;
- keeps a bounded queue per chat, served one update at a time, so one chat cannot take
  every worker: the others keep being answered while it floods;
- on shutdown (:meth:`FairUpdateProcessor.drain`) finishes what it can within a deadline
  and drops what is still queued then, with one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from bot.ratelimit import SLOW_DOWN, Decision, RateLimiter

log = logging.getLogger(__name__)

MAX_CONCURRENT = 64
"""Updates handled at once, over every chat."""
IN_FLIGHT = 4096
"""The library's own bound (its semaphore is taken before this processor sees an
update): high, as the per-chat queues bound what is in flight."""
CHAT_QUEUE = 8
"""Updates of one chat waiting (or running) at once; more are dropped."""


def _counts(update: Update) -> bool:
    """Whether an update asks the bot something (and so takes tokens): commands, private
    messages, inline queries, button presses. Group chatter the bot ignores does not."""
    if update.inline_query is not None or update.callback_query is not None:
        return True
    message = update.message
    if message is None or message.text is None:
        return False
    return message.chat.type == "private" or message.text.startswith("/")


class FairUpdateProcessor(BaseUpdateProcessor):
    def __init__(
        self,
        limiter: RateLimiter,
        *,
        max_concurrent: int = MAX_CONCURRENT,
        chat_queue: int = CHAT_QUEUE,
    ) -> None:
        super().__init__(IN_FLIGHT)
        self.limiter = limiter
        self.chat_queue = chat_queue
        self._pending: dict[int | None, int] = {}
        self._chat_locks: dict[int | None, asyncio.Lock] = {}
        self._workers = asyncio.Semaphore(max_concurrent)
        self._expired = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self.dropped_full = 0
        self.dropped_at_shutdown = 0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        chat = update.effective_chat
        user = update.effective_user
        chat_id = chat.id if chat is not None else None
        if _counts(update):
            decision = self.limiter.check(
                user.id if user is not None else None,
                chat_id if chat is not None and chat.type != "private" else None,
            )
            if decision is not Decision.ALLOW:
                _close(coroutine)
                if decision is Decision.NOTIFY:
                    await _slow_down(update)
                return
        if self._pending.get(chat_id, 0) >= self.chat_queue or self._expired.is_set():
            _close(coroutine)
            self.dropped_full += 0 if self._expired.is_set() else 1
            self.dropped_at_shutdown += 1 if self._expired.is_set() else 0
            return
        self._pending[chat_id] = self._pending.get(chat_id, 0) + 1
        self._idle.clear()
        lock = self._chat_locks.setdefault(chat_id, asyncio.Lock())
        try:
            if not await self._acquire(lock):
                _close(coroutine)
                self.dropped_at_shutdown += 1
                return
            try:
                if not await self._acquire(self._workers):
                    _close(coroutine)
                    self.dropped_at_shutdown += 1
                    return
                try:
                    await coroutine
                finally:
                    self._workers.release()
            finally:
                lock.release()
        finally:
            self._pending[chat_id] -= 1
            if not self._pending[chat_id]:
                del self._pending[chat_id]
                if not lock.locked():
                    self._chat_locks.pop(chat_id, None)
            if not self._pending:
                self._idle.set()

    async def _acquire(self, lock: asyncio.Lock | asyncio.Semaphore) -> bool:
        """Wait for ``lock`` unless the shutdown deadline comes first."""
        if self._expired.is_set():
            return False
        acquiring = asyncio.ensure_future(lock.acquire())
        expiring = asyncio.ensure_future(self._expired.wait())
        await asyncio.wait({acquiring, expiring}, return_when=asyncio.FIRST_COMPLETED)
        expiring.cancel()
        if acquiring.done() and not acquiring.cancelled():
            return True
        acquiring.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await acquiring
        if acquiring.done() and not acquiring.cancelled():  # acquired while cancelling
            lock.release()
        return False

    def queued(self) -> int:
        return sum(self._pending.values())

    async def drain(self, seconds: float) -> None:
        """Let queued updates finish for up to ``seconds``; then drop the rest."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), seconds)
        left = self.queued()
        self._expired.set()
        if left:
            await asyncio.sleep(0)  # let the waiting ones see the deadline
            log.warning(
                "Telegram: shutting down with %d updates still queued after %.0f s: dropped",
                left,
                seconds,
            )


def _close(coroutine: Awaitable[Any]) -> None:
    close = getattr(coroutine, "close", None)
    if close is not None:
        close()


async def _slow_down(update: Update) -> None:
    if update.inline_query is not None or update.callback_query is not None:
        return  # nowhere to say it: dropped silently
    message = update.effective_message
    if message is None:
        return
    try:
        await message.reply_text(SLOW_DOWN, parse_mode=None, do_quote=True)
    except TelegramError as exc:
        log.warning("could not send the slow-down reply: %s", exc)
