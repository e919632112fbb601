"""``credits-bot bench --load``: the bot under load, two figures.

1. Concurrent asks: ``--load-asks`` questions (default 1,000) sent at once to one
   :class:`~bot.service.CreditsService` over the catalog; wall time, answers per second,
   latency percentiles.
2. Sustained answers through the Telegram adapter: the real python-telegram-bot
   application (handlers, the fair update processor, long polling) against a small Bot API
   server on 127.0.0.1 that hands out ``--load-messages`` ``/credits`` messages, each from
   its own person and chat (so no per-person limit applies), and counts the replies.
   Measured twice: without a limiter on outgoing calls (what the adapter can do), and
   with the production limiter (``AIORateLimiter``: Telegram allows about 30 messages a
   second per bot, which caps a real bot).

Nothing here reaches the internet.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import statistics
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from typing import Any

from aiohttp import web

from bot.service import CreditsLookup, CreditsService
from bot.settings import Secret, Settings
from bot.store.build import ensure_catalog

QUESTIONS = (
    "does iron man have a post credit scene?",
    "children of heavn",
    "dune 2021",
    "the avengers",
    "is there anything after the credits of spider-man: no way home",
    "toy story 2",
    "guardians of the galaxy vol. 2",
    "a film that does not exist at all",
    "deadpool",
    "the matrix",
)
TOKEN = "1000:load-bench-token-not-a-real-one"


@dataclass(frozen=True, slots=True)
class AskLoad:
    asks: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.asks / self.seconds


@dataclass(frozen=True, slots=True)
class TelegramLoad:
    limiter: str
    messages: int
    answered: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.answered / self.seconds if self.seconds else 0.0


async def concurrent_asks(service: CreditsLookup, count: int) -> AskLoad:
    """``count`` questions at once; the latency of each from the common start."""

    async def one(question: str) -> float:
        started = time.perf_counter()
        await service.ask(question)
        return time.perf_counter() - started

    questions = [QUESTIONS[i % len(QUESTIONS)] for i in range(count)]
    started = time.perf_counter()
    latencies = sorted(await asyncio.gather(*(one(q) for q in questions)))
    seconds = time.perf_counter() - started
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return AskLoad(count, seconds, statistics.median(latencies) * 1000, p99 * 1000)


class _BotApi:
    """The Bot API calls a polling bot makes, answered from memory: a queue of updates
    for ``getUpdates`` and a count of replies (``sendMessage``)."""

    def __init__(self, updates: list[dict[str, Any]]) -> None:
        self.pending = updates
        self.expected = len(updates)
        self.replies = 0
        self.first_fetch: float | None = None
        self.last_reply: float | None = None
        self.all_answered = asyncio.Event()
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._ids = itertools.count(1)
        self.port = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data: dict[str, Any] = await request.json()
            return data
        return {k: str(v) for k, v in (await request.post()).items()}

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        params = await self._params(request)
        result: Any = True
        if method == "getMe":
            result = {"id": 1000, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif method == "getUpdates":
            result = await self._updates(params)
        elif method in ("sendMessage", "editMessageText"):
            result = self._sent(params)
        return web.json_response({"ok": True, "result": result})

    async def _updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        self.pending = [u for u in self.pending if u["update_id"] >= offset]
        if self.pending and self.first_fetch is None:
            self.first_fetch = time.perf_counter()
        if not self.pending and timeout:
            await asyncio.sleep(min(timeout, 0.05))  # a short long poll: nothing more comes
        return self.pending[:limit]

    def _sent(self, params: dict[str, Any]) -> dict[str, Any]:
        self.replies += 1
        self.last_reply = time.perf_counter()
        if self.replies >= self.expected:
            self.all_answered.set()
        chat_id = int(params["chat_id"])
        return {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": "Ada"},
            "text": "ok",
        }


def _update(n: int) -> dict[str, Any]:
    text = "/credits " + QUESTIONS[n % len(QUESTIONS)]
    person = 10_000 + n  # one person and one chat each: no per-person or per-chat limit
    return {
        "update_id": n + 1,
        "message": {
            "message_id": n + 1,
            "date": int(time.time()),
            "chat": {"id": person, "type": "private", "first_name": "Ada"},
            "from": {"id": person, "is_bot": False, "first_name": "Ada", "language_code": "en"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len("/credits")}],
        },
    }


def _no_limit() -> Any:
    """A limiter that sends outgoing calls as they come (to measure the adapter, not
    Telegram's cap). Built here so the SDK is imported only when the bench runs."""
    from telegram.ext import BaseRateLimiter

    class _NoLimit(BaseRateLimiter[Any]):
        async def initialize(self) -> None:
            return None

        async def shutdown(self) -> None:
            return None

        async def process_request(
            self,
            callback: Callable[
                ..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]
            ],
            args: Any,
            kwargs: dict[str, Any],
            endpoint: str,
            data: dict[str, Any],
            rate_limit_args: Any,
        ) -> bool | dict[str, Any] | list[dict[str, Any]]:
            return await callback(*args, **kwargs)

    return _NoLimit()


async def telegram_answers(
    service: CreditsLookup, settings: Settings, messages: int, *, limited: bool, within: float
) -> TelegramLoad:
    """``messages`` updates through the real application; answers per second from the
    first fetch to the last reply."""
    from adapters.telegram.app import build_application

    api = _BotApi([_update(n) for n in range(messages)])
    await api.start()
    settings = replace(
        settings,
        telegram_token=Secret(TOKEN),
        telegram_api_base_url=f"http://127.0.0.1:{api.port}/bot",
        rate_person_burst=messages,
        rate_chat_burst=messages,
    )
    app = build_application(settings, service, rate_limiter=None if limited else _no_limit())
    try:
        async with app:
            await app.start()
            assert app.updater is not None
            await app.updater.start_polling(poll_interval=0, timeout=1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(api.all_answered.wait(), within)
            await app.updater.stop()
            await app.stop()
    finally:
        await api.stop()
    seconds = (api.last_reply or 0.0) - (api.first_fetch or 0.0)
    name = "AIORateLimiter (production)" if limited else "none"
    return TelegramLoad(name, messages, api.replies, max(seconds, 0.0))


async def run_load(
    settings: Settings, asks: int, messages: int, limited_messages: int
) -> dict[str, Any]:
    path = await asyncio.to_thread(ensure_catalog, settings.data_dir, settings.db_path)
    async with await CreditsService.open(path) as service:
        await service.ask("warm up")
        ask = await concurrent_asks(service, asks)
        free = await telegram_answers(service, settings, messages, limited=False, within=120)
        capped = await telegram_answers(
            service, settings, limited_messages, limited=True, within=120
        )
    return {
        "concurrent_asks": {
            "asks": ask.asks,
            "seconds": round(ask.seconds, 3),
            "asks_per_second": round(ask.per_second, 1),
            "p50_ms": round(ask.p50_ms, 1),
            "p99_ms": round(ask.p99_ms, 1),
        },
        "telegram": [
            {
                "outgoing_limiter": load.limiter,
                "messages": load.messages,
                "answered": load.answered,
                "seconds": round(load.seconds, 3),
                "answers_per_second": round(load.per_second, 1),
            }
            for load in (free, capped)
        ],
    }


def print_load(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, indent=2))
        return
    ask = result["concurrent_asks"]
    print(
        f"{ask['asks']:,} concurrent asks through one service: {ask['seconds']:.2f} s, "
        f"{ask['asks_per_second']:,.0f} answers/s, p50 {ask['p50_ms']:.0f} ms, "
        f"p99 {ask['p99_ms']:.0f} ms"
    )
    for load in result["telegram"]:
        print(
            f"Telegram adapter, outgoing limiter {load['outgoing_limiter']}: "
            f"{load['answered']:,} of {load['messages']:,} answered in {load['seconds']:.2f} s, "
            f"{load['answers_per_second']:,.1f} answers/s sustained"
        )
