"""Starting a platform over an unreliable network: bounded retries with backoff.

A bot host reboots, the network comes up a little later, the platform's API has a bad
minute: a network failure at start is retried (1 s, 2 s, 4 s ... at most 30 s apart, a
bounded number of times), each retry logged, and the wait ends at once when the bot is
asked to stop (SIGTERM). Platform-neutral: the adapter says which exceptions are
network failures.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Backoff:
    attempts: int = 8
    first_delay: float = 1.0
    max_delay: float = 30.0

    def delays(self) -> list[float]:
        """The waits between attempts."""
        out: list[float] = []
        delay = self.first_delay
        for _ in range(max(self.attempts - 1, 0)):
            out.append(delay)
            delay = min(delay * 2, self.max_delay)
        return out


async def start_with_retries(
    start: Callable[[], Awaitable[None]],
    *,
    transient: tuple[type[BaseException], ...],
    stop: asyncio.Event,
    what: str,
    backoff: Backoff,
) -> bool:
    """Run ``start`` until it succeeds (True), ``stop`` is set while waiting (False), or
    the attempts run out (the last failure is raised)."""
    delays = backoff.delays()
    for attempt in range(len(delays) + 1):
        try:
            await start()
            return True
        except transient as exc:
            if attempt == len(delays):
                raise
            delay = delays[attempt]
            log.warning(
                "%s: network failure at start (%s: %s); attempt %d of %d, next in %.1f s",
                what,
                type(exc).__name__,
                exc,
                attempt + 1,
                len(delays) + 1,
                delay,
            )
        try:
            await asyncio.wait_for(stop.wait(), delay)
        except TimeoutError:
            continue
        log.info("%s: asked to stop while waiting to retry the start", what)
        return False
    raise AssertionError("unreachable")  # pragma: no cover
