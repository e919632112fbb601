"""The bundled catalog as plain films, for choosing examples and for property tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.models import Film, Found, Verdict
from bot.service import CreditsService
from bot.settings import DEFAULT_DATA_DIR
from bot.sources import LAYER_CURATED, load_films, source_files, source_layer


@cache
def bundled_films() -> tuple[Film, ...]:
    files = source_files(DEFAULT_DATA_DIR, include_local=False, include_known=False)
    return tuple(item.film for item in load_films(files))


@cache
def content_films() -> tuple[Film, ...]:
    """The curated films, and the listing's films with a recap or scene descriptions."""
    files = source_files(DEFAULT_DATA_DIR, include_local=False, include_known=False)
    return tuple(
        item.film
        for item in load_films(files)
        if source_layer(Path(item.path)) == LAYER_CURATED
        or item.film.recap
        or any(s.description for s in item.film.credits.scenes)
    )


async def example(
    service: CreditsService, verdict: Verdict | None = None, *, recap: bool = False
) -> Film:
    """A film with this verdict (any, if ``None``) that asking for its title finds, most
    popular first; with ``recap``, one that has a recap."""
    films = [
        f
        for f in bundled_films()
        if (verdict is None or f.credits.verdict is verdict) and (f.recap or not recap)
    ]
    films.sort(key=lambda f: -(f.popularity or 0))
    for film in films:
        answer = await service.ask(film.title)
        if isinstance(answer, Found) and answer.film.id == film.id:
            return answer.film
    raise LookupError(f"no film in the bundled catalog with verdict {verdict}, recap {recap}")
