"""Per-person and per-chat rate limits: token buckets, platform-neutral.

Each person and each chat has a bucket of ``burst`` tokens that refills at ``per_minute``
tokens a minute; a question takes one token from both. When either is empty the question
is refused, and the first refusal of a burst says so (:attr:`Decision.NOTIFY`: the adapter
sends one short "slow down" reply); the rest of the burst is refused silently
(:attr:`Decision.SILENT`) until that key is allowed again. Buckets of idle keys are
forgotten (at most ``max_keys`` are kept), so memory stays bounded.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum

from bot.metrics import METRICS, Metrics
from bot.settings import Settings

SLOW_DOWN = "Slow down a little, please: I'll answer again in a few seconds."


class Decision(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"
    SILENT = "silent"


@dataclass(frozen=True, slots=True)
class Rate:
    burst: int
    per_minute: float

    @property
    def per_second(self) -> float:
        return self.per_minute / 60.0


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    told: bool = False
    """Whether the "slow down" reply of the current burst has been sent."""


class _Buckets:
    def __init__(self, rate: Rate, max_keys: int) -> None:
        self.rate = rate
        self.max_keys = max_keys
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def get(self, key: Hashable, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = _Bucket(float(self.rate.burst), now)
            self._buckets[key] = bucket
            if len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
            elapsed = max(now - bucket.at, 0.0)
            bucket.tokens = min(
                float(self.rate.burst), bucket.tokens + elapsed * self.rate.per_second
            )
            bucket.at = now
        return bucket

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimiter:
    """One bucket per person and one per chat (see the module)."""

    def __init__(
        self,
        person: Rate,
        chat: Rate,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        platform: str = "",
        metrics: Metrics = METRICS,
    ) -> None:
        self._people = _Buckets(person, max_keys)
        self._chats = _Buckets(chat, max_keys)
        self._clock = clock
        self.refused = 0
        self._refusals = metrics.rate_limited.labels(platform or "unknown")

    def check(self, person: Hashable | None, chat: Hashable | None) -> Decision:
        """Take a token for a question by ``person`` in ``chat`` (None: not limited by it)."""
        now = self._clock()
        buckets = [
            b.get(key, now)
            for b, key in ((self._people, person), (self._chats, chat))
            if key is not None
        ]
        if all(bucket.tokens >= 1.0 for bucket in buckets):
            for bucket in buckets:
                bucket.tokens -= 1.0
                bucket.told = False
            return Decision.ALLOW
        self.refused += 1
        self._refusals.inc()
        empty = [bucket for bucket in buckets if bucket.tokens < 1.0]
        if any(bucket.told for bucket in empty):
            return Decision.SILENT
        for bucket in empty:
            bucket.told = True
        return Decision.NOTIFY

    def __len__(self) -> int:
        return len(self._people) + len(self._chats)


def limiter_for(settings: Settings, platform: str) -> RateLimiter:
    """The per-person and per-chat limits of the settings, counted under ``platform``."""
    return RateLimiter(
        Rate(settings.rate_person_burst, settings.rate_person_per_minute),
        Rate(settings.rate_chat_burst, settings.rate_chat_per_minute),
        platform=platform,
    )
