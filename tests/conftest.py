"""Fixtures shared by every test: a real catalog built from the bundled data, and the service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.records import Located
from bot.service import CreditsService
from bot.sources import fingerprint, load_films, source_files
from bot.store.build import build_catalog

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture(scope="session")
def bundled_films() -> list[Located]:
    """Every film of the bundled catalog (curated files only, never data/local)."""
    return load_films(source_files(DATA, include_local=False))


@pytest.fixture(scope="session")
def catalog_db(tmp_path_factory: pytest.TempPathFactory, bundled_films: list[Located]) -> Path:
    """A real SQLite catalog built from the bundled data files, once per session."""
    path = tmp_path_factory.mktemp("catalog") / "catalog.sqlite"
    files = source_files(DATA, include_local=False)
    build_catalog((x.film for x in bundled_films), path, source_fingerprint=fingerprint(files))
    return path


@pytest.fixture
async def service(catalog_db: Path) -> AsyncIterator[CreditsService]:
    svc = await CreditsService.open(catalog_db)
    try:
        yield svc
    finally:
        await svc.close()
