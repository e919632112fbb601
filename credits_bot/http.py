"""The optional HTTP port (``CREDITS_HTTP_PORT``): ``GET /healthz`` and ``GET /metrics``.

``/healthz`` answers 200 with JSON (the films in the catalog, which platforms are up)
while the catalog can be read, 503 when it cannot; ``/metrics`` is the Prometheus text
format of :data:`bot.metrics.METRICS`. It listens on ``CREDITS_HTTP_HOST`` (default
127.0.0.1: put a reverse proxy or the scraper on the same host).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from bot.metrics import METRICS, Metrics

log = logging.getLogger(__name__)

FilmCount = Callable[[], Awaitable[int]]


class HealthServer:
    def __init__(
        self,
        films: FilmCount,
        platforms: Sequence[str],
        *,
        host: str,
        port: int,
        metrics: Metrics = METRICS,
    ) -> None:
        self._films = films
        self._platforms = tuple(platforms)
        self.host = host
        self.port = port
        self._metrics = metrics
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics_page)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        try:
            await site.start()
        except OSError:
            await runner.cleanup()
            raise
        self._runner = runner
        if self.port == 0:
            self.port = int(runner.addresses[0][1])
        log.info("health and metrics on http://%s:%d/healthz and /metrics", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _count_films(self) -> int | None:
        try:
            count = await self._films()
        except Exception as exc:
            log.warning("health check: cannot read the catalog: %s", exc)
            return None
        self._metrics.films.set(count)
        return count

    async def _healthz(self, request: web.Request) -> web.Response:
        films = await self._count_films()
        up = self._metrics.platforms()
        platforms = {name: "up" if up.get(name) else "down" for name in self._platforms}
        body = {
            "status": "ok" if films is not None else "catalog unreadable",
            "catalog": {"films": films},
            "platforms": platforms,
        }
        return web.json_response(body, status=200 if films is not None else 503)

    async def _metrics_page(self, request: web.Request) -> web.Response:
        await self._count_films()
        response = web.Response(body=self._metrics.render())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
