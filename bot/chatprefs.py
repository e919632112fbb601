"""Per-chat settings (``/settings``) over the state store, with a small in-process cache.

The language hooks of the adapters (``chat_language()``) are plain functions called while
a reply is made, so they read the cache; each adapter loads a chat's settings
(:meth:`ChatPrefs.load`) when an update or interaction from that chat arrives. Entries
expire after :data:`FRESH_FOR` seconds, so a change made through another bot process
(shared PostgreSQL state) is seen soon.
"""

from __future__ import annotations

import time
from collections import OrderedDict

from bot.state.base import ChatSettings, StateStore

FRESH_FOR = 60.0
"""Seconds a cached chat's settings are trusted."""
MAX_CACHED = 10_000
"""Chats kept in the cache at most (the least recently loaded go first)."""


class ChatPrefs:
    def __init__(self, state: StateStore) -> None:
        self.state = state
        self._cache: OrderedDict[str, tuple[float, ChatSettings]] = OrderedDict()

    def cached(self, chat: str) -> ChatSettings | None:
        """The chat's settings if loaded recently; no I/O."""
        hit = self._cache.get(chat)
        return hit[1] if hit is not None else None

    async def load(self, chat: str) -> ChatSettings:
        hit = self._cache.get(chat)
        now = time.monotonic()
        if hit is not None and now - hit[0] < FRESH_FOR:
            return hit[1]
        settings = await self.state.chat_settings(chat)
        self._keep(chat, settings, now)
        return settings

    async def save(self, settings: ChatSettings) -> None:
        await self.state.save_chat_settings(settings)
        self._keep(settings.chat, settings, time.monotonic())

    def _keep(self, chat: str, settings: ChatSettings, now: float) -> None:
        self._cache[chat] = (now, settings)
        self._cache.move_to_end(chat)
        while len(self._cache) > MAX_CACHED:
            self._cache.popitem(last=False)
