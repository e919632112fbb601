"""The service every adapter talks to: ask, suggest, film (the :class:`CreditsLookup`
contract), over one read-only catalog."""

from __future__ import annotations

import logging
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from bot.limits import MAX_FILM_ID, MAX_QUESTION
from bot.models import (
    Ambiguous,
    Answer,
    Choice,
    Found,
    Match,
    MatchMethod,
    NotFound,
    Query,
    Verdict,
)
from bot.normalize import compact, normalize
from bot.questions import parse_question
from bot.reports import Reports
from bot.resolver import Resolution, Resolver
from bot.store.reader import CatalogReader, FilmRow
from bot.store.schema import SHORT_PREFIX_LEN
from bot.texts import EMPTY_QUESTION, GONE

log = logging.getLogger(__name__)

SUGGEST_SCAN = 200
SUGGEST_BUDGET = 8_000


class CreditsLookup(Protocol):
    """What every adapter needs of the core: the contract :class:`CreditsService` keeps."""

    async def ask(self, query: Query | str) -> Answer: ...

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]: ...

    async def film(self, film_id: str) -> Answer: ...


TITLE_LIKE_WORDS = 6
"""At most this many words (and no question mark but a last one): the whole text may be a
title, "Hello, My Name Is Doris"; "does iron man have a post credit scene?" is not."""


def _title_like(text: str) -> bool:
    body = text.rstrip("?!. ")
    return "?" not in body and len(body.split()) <= TITLE_LIKE_WORDS


class CreditsService:
    """Resolves questions to films and answers them. One per process; cheap to share."""

    def __init__(self, reader: CatalogReader) -> None:
        self._reader = reader
        self._resolver = Resolver(reader)
        self.reports: Reports | None = None
        """Viewers' reports, when a state store is open (see :func:`bot.reports.reports_of`)."""

    @classmethod
    async def open(cls, db_path: Path) -> Self:
        return cls(await CatalogReader.open(db_path))

    async def close(self) -> None:
        await self._reader.close()

    async def warm(self) -> tuple[int, float]:
        """See :meth:`bot.store.reader.CatalogReader.warm`."""
        return await self._reader.warm()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def reader(self) -> CatalogReader:
        return self._reader

    async def ask(self, query: Query | str) -> Answer:
        q = Query(text=query) if isinstance(query, str) else query
        raw = q.text[: MAX_QUESTION * 4]
        parsed = parse_question(raw)
        if parsed is None:
            return NotFound(query=raw.strip()[:100], reason=EMPTY_QUESTION)
        year = q.year if q.year is not None else parsed.year
        whole = " ".join(raw.split())[:MAX_QUESTION]
        cut = normalize(whole) != normalize(parsed.title)
        if cut and _title_like(whole):
            # What the parser took for a greeting or a question may be the title itself:
            # "Hello, My Name Is Doris", "One for the Money", "No Thanks". A film named
            # exactly what was typed wins over the shorter reading (looked up only for
            # text short enough to be a title: the extra lookup costs every question).
            named = await self._resolver.exact_only(whole, q.year)
            if named is not None:
                return await self._answer(whole, named)
        resolution = await self._resolver.resolve(parsed.title, year)
        shown = parsed.title if year is None else f"{parsed.title} ({year})"
        if cut and resolution.best is None and not resolution.candidates:
            # The question parser may have cut too much: try the whole text as a title.
            retry = await self._resolver.resolve(whole, q.year)
            if retry.best is not None or retry.candidates:
                resolution, shown = retry, whole
        return await self._answer(shown, resolution)

    async def _answer(self, shown: str, resolution: Resolution) -> Answer:
        if resolution.best is not None and resolution.match is not None:
            film = await self._reader.film_by_rid(resolution.best.row.rid)
            if film is not None:
                return Found(
                    query=shown,
                    film=film,
                    match=resolution.match,
                    others=tuple(s.candidate() for s in resolution.others),
                )
        if resolution.candidates:
            return Ambiguous(
                query=shown, candidates=tuple(s.candidate() for s in resolution.candidates)
            )
        return NotFound(
            query=shown,
            suggestions=tuple(s.candidate() for s in resolution.suggestions),
            reason=resolution.reason,
            reason_films=resolution.reason_films,
            reason_missing=resolution.reason_missing,
        )

    async def film(self, film_id: str) -> Answer:
        """The answer for a film id (from a button, a select menu or an autocomplete choice)."""
        hit = await self._reader.film_by_id(film_id.strip()[:MAX_FILM_ID])
        if hit is None:
            return NotFound(query=film_id[:100], reason=GONE)
        _, film = hit
        return Found(query=film.title, film=film, match=Match(MatchMethod.ID, 100.0, film.title))

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]:
        """Films for autocomplete and inline mode: cheap enough for every keystroke.

        Prefix matches on the normalised title first (most popular first), then fuzzy
        matches when the prefix is long enough to be a misspelt title.
        """
        limit = max(0, min(limit, 50))
        parsed = parse_question(prefix[:MAX_QUESTION])
        text = parsed.title if parsed else ""
        key = compact(normalize(text)) if text else ""
        if limit == 0:
            return []
        if len(key) <= SHORT_PREFIX_LEN:
            films = await self._reader.popular_prefix(key, limit)
            return [_choice(f) for f in films]
        rows = await self._reader.prefix(key, SUGGEST_SCAN)
        by_rid = {r.film.rid: r.film for r in rows}
        ranked = sorted(by_rid.values(), key=lambda f: (-f.popularity, f.title, f.year))
        choices = [_choice(f) for f in ranked[:limit]]
        if not choices and len(key) >= 4:
            # Nothing starts with it: perhaps a misspelt title.
            resolution = await self._resolver.resolve(text, budget=SUGGEST_BUDGET)
            extra = [*filter(None, [resolution.best]), *resolution.others]
            extra += [*resolution.candidates, *resolution.suggestions]
            seen: set[str] = set()
            for s in extra:
                if s.row.id not in seen and len(choices) < limit:
                    seen.add(s.row.id)
                    choices.append(_choice(s.row))
        return choices


def _choice(row: FilmRow) -> Choice:
    return Choice(row.id, row.title, row.year, Verdict(row.verdict), row.extras)
