"""What an operator watches: answers by platform and outcome, answer latency, catalog
films, platforms up, viewer reports, rate-limit hits (Prometheus metrics, via prometheus-client).

One :class:`Metrics` per process (:data:`METRICS`). Adapters count nothing themselves:
the composition root hands each platform its service wrapped in :class:`CountingLookup`,
which times and counts every answer; the rate limiter counts its refusals; a runner says
when its platform is up.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from bot.models import Ambiguous, Answer, Choice, Found, Query

if TYPE_CHECKING:
    from bot.service import CreditsLookup

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        self.answers = Counter(
            "credits_answers",
            "Answers given, by platform and outcome (found, ambiguous, not_found, error)",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "credits_answer_seconds",
            "Seconds the core took to answer a question, by platform",
            ["platform"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.films = Gauge(
            "credits_catalog_films", "Films in the catalog being served", registry=self.registry
        )
        self.up = Gauge(
            "credits_platform_up",
            "1 while a platform is connected and serving, else 0",
            ["platform"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "credits_rate_limited",
            "Questions refused by the per-person and per-chat rate limits, by platform",
            ["platform"],
            registry=self.registry,
        )
        self.reports = Counter(
            "credits_reports",
            "Viewer reports of a wrong answer, by platform and outcome "
            "(recorded, limited, unknown-film)",
            ["platform", "outcome"],
            registry=self.registry,
        )
        self._up: dict[str, bool] = {}

    def platform_up(self, platform: str, up: bool) -> None:
        self._up[platform] = up
        self.up.labels(platform).set(1 if up else 0)

    def platforms(self) -> dict[str, bool]:
        return dict(self._up)

    def render(self) -> bytes:
        """The text exposition format."""
        return generate_latest(self.registry)


METRICS = Metrics()


def outcome_of(answer: Answer) -> str:
    if isinstance(answer, Found):
        return "found"
    if isinstance(answer, Ambiguous):
        return "ambiguous"
    return "not_found"


class CountingLookup:
    """A :class:`~bot.service.CreditsLookup` that counts and times the answers of one
    platform (suggestions, which are not answers, pass through)."""

    def __init__(self, service: CreditsLookup, platform: str, metrics: Metrics = METRICS) -> None:
        self._service = service
        self.platform = platform
        self._metrics = metrics

    def _count(self, outcome: str, started: float) -> None:
        self._metrics.answers.labels(self.platform, outcome).inc()
        self._metrics.latency.labels(self.platform).observe(time.perf_counter() - started)

    async def ask(self, query: Query | str) -> Answer:
        started = time.perf_counter()
        try:
            answer = await self._service.ask(query)
        except Exception:
            self._count("error", started)
            raise
        self._count(outcome_of(answer), started)
        return answer

    async def film(self, film_id: str) -> Answer:
        started = time.perf_counter()
        try:
            answer = await self._service.film(film_id)
        except Exception:
            self._count("error", started)
            raise
        self._count(outcome_of(answer), started)
        return answer

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]:
        return await self._service.suggest(prefix, limit)
