"""The token buckets, on a clock the test turns."""

from __future__ import annotations

from bot.ratelimit import Decision, Rate, RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_notice_then_silence_then_refill() -> None:
    clock = Clock()
    limiter = RateLimiter(Rate(3, 60), Rate(100, 600), clock=clock)
    got = [limiter.check("ada", "club") for _ in range(6)]
    assert got == [Decision.ALLOW] * 3 + [Decision.NOTIFY] + [Decision.SILENT] * 2
    clock.now += 1.0  # one token a second
    assert limiter.check("ada", "club") is Decision.ALLOW
    assert limiter.check("ada", "club") is Decision.NOTIFY  # a new burst is told again
    assert limiter.check("bob", "club") is Decision.ALLOW  # others are not affected
    assert limiter.refused == 4


def test_the_chat_limit_binds_many_people() -> None:
    clock = Clock()
    limiter = RateLimiter(Rate(5, 60), Rate(4, 60), clock=clock)
    got = [limiter.check(person, "club") for person in range(10)]
    assert got[:4] == [Decision.ALLOW] * 4
    assert got[4:] == [Decision.NOTIFY] + [Decision.SILENT] * 5
    assert limiter.check("ada", None) is Decision.ALLOW  # a private chat: person only


def test_memory_is_bounded() -> None:
    limiter = RateLimiter(Rate(1, 1), Rate(1, 1), max_keys=50, clock=Clock())
    for person in range(1000):
        limiter.check(person, None)
    assert len(limiter) <= 100
