"""A service that follows its catalog file: a rebuilt catalog (a ``db build``, an import, an
accepted viewer report) is picked up by a running bot without a restart.

The build renames a finished catalog into place, so a new file means a new inode. Before
answering, :class:`LiveService` looks at the file (at most every ``check_every`` seconds);
when it changed it opens the new catalog, switches to it, and closes the old one once the
answers already running on it are done. No answer fails during the swap: each runs on the
service it started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from pathlib import Path
from types import TracebackType
from typing import Self

from bot.errors import CatalogError
from bot.models import Answer, Choice, Query
from bot.reports import Reports
from bot.service import CreditsService

log = logging.getLogger(__name__)


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns)


class LiveService:
    """:class:`~bot.service.CreditsLookup` over the current catalog at ``path``."""

    def __init__(self, service: CreditsService, path: Path, *, check_every: float = 2.0) -> None:
        self._service = service
        self._path = path
        self._seen = _identity(path)
        self._check_every = check_every
        self._checked = time.monotonic()
        self._in_flight: dict[int, int] = {id(service): 0}
        self._retired: list[CreditsService] = []
        self._lock = asyncio.Lock()
        self.swaps = 0
        self.reports: Reports | None = None
        """Viewers' reports (see :func:`bot.reports.reports_of`); they follow the catalog."""
        self.warming: asyncio.Task[None] | None = None
        """Reading the current catalog file into memory (see :meth:`CreditsService.warm`),
        started when a catalog is first served; answers do not wait for it."""

    @classmethod
    async def open(cls, path: Path, *, check_every: float = 2.0) -> Self:
        live = cls(await CreditsService.open(path), path, check_every=check_every)
        live._warm(live._service)
        return live

    def _warm(self, service: CreditsService) -> None:
        async def warm() -> None:
            try:
                size, seconds = await service.warm()
            except OSError as exc:  # the file went away: answers still work, only slower
                log.warning("catalog %s not read into memory: %s", self._path, exc)
                return
            log.info("catalog %s read into memory: %.0f MB in %.2f s",
                     self._path, size / 1e6, seconds)  # fmt: skip

        if self.warming is not None:
            self.warming.cancel()
        self.warming = asyncio.create_task(warm())

    @property
    def service(self) -> CreditsService:
        return self._service

    async def refresh(self, *, force: bool = False) -> bool:
        """Switch to a rebuilt catalog if there is one; True when it switched."""
        now = time.monotonic()
        if not force and now - self._checked < self._check_every:
            return False
        self._checked = now
        current = _identity(self._path)
        if current is None or current == self._seen:
            return False
        async with self._lock:
            if _identity(self._path) == self._seen:
                return False
            try:
                fresh = await CreditsService.open(self._path)
            except CatalogError as exc:
                log.warning("catalog %s changed but cannot be opened (%s): keeping the old one",
                            self._path, exc)  # fmt: skip
                self._seen = current
                return False
            old, self._service = self._service, fresh
            self._seen = _identity(self._path)
            self._in_flight[id(fresh)] = 0
            self._retired.append(old)
            if self.reports is not None:
                self.reports.reader = fresh.reader
            self._warm(fresh)
            self.swaps += 1
            log.info("catalog %s changed: now serving the new one", self._path)
        await self._close_idle()
        return True

    async def _close_idle(self) -> None:
        for old in list(self._retired):
            if self._in_flight.get(id(old), 0) == 0:
                self._retired.remove(old)
                self._in_flight.pop(id(old), None)
                await old.close()

    async def _on_current(self) -> CreditsService:
        await self.refresh()
        service = self._service
        self._in_flight[id(service)] = self._in_flight.get(id(service), 0) + 1
        return service

    async def _done(self, service: CreditsService) -> None:
        self._in_flight[id(service)] -= 1
        if service in self._retired:
            await self._close_idle()

    async def ask(self, query: Query | str) -> Answer:
        service = await self._on_current()
        try:
            return await service.ask(query)
        finally:
            await self._done(service)

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]:
        service = await self._on_current()
        try:
            return await service.suggest(prefix, limit)
        finally:
            await self._done(service)

    async def film(self, film_id: str) -> Answer:
        service = await self._on_current()
        try:
            return await service.film(film_id)
        finally:
            await self._done(service)

    async def film_count(self) -> int:
        service = await self._on_current()
        try:
            return await service.reader.film_count()
        finally:
            await self._done(service)

    async def close(self) -> None:
        if self.warming is not None:
            self.warming.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.warming
        for old in self._retired:
            await old.close()
        self._retired.clear()
        await self._service.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
