"""Fixtures for the Telegram adapter: a fake Bot API server and the real library on it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from tg_fake_api import TOKEN, FakeBotApi, Updates
from tg_harness import Harness, Scripted, start_harness

from adapters.telegram.handlers import CreditsLookup
from bot.service import CreditsService
from bot.settings import Secret, Settings


@pytest.fixture
async def fake_api() -> AsyncIterator[FakeBotApi]:
    api = FakeBotApi()
    await api.start()
    try:
        yield api
    finally:
        await api.stop()


@pytest.fixture
def tg_settings(fake_api: FakeBotApi, catalog_db: Path) -> Settings:
    return replace(
        Settings(),
        db_path=catalog_db,
        telegram_token=Secret(TOKEN),
        telegram_api_base_url=fake_api.base_url,
    )


@pytest.fixture
def updates() -> Updates:
    return Updates()


@asynccontextmanager
async def _running_harness(
    settings: Settings, service: CreditsLookup, fake_api: FakeBotApi, updates: Updates
) -> AsyncIterator[Harness]:
    harness = await start_harness(settings, service, fake_api, updates)
    try:
        yield harness
    finally:
        await harness.app.shutdown()
    if not harness.allow_rejections:
        assert fake_api.rejected == [], "the fake Bot API rejected calls"


@pytest.fixture
async def tg(
    tg_settings: Settings, service: CreditsService, fake_api: FakeBotApi, updates: Updates
) -> AsyncIterator[Harness]:
    """The bot over the bundled catalog."""
    async with _running_harness(tg_settings, service, fake_api, updates) as harness:
        yield harness


@pytest.fixture
def no_token_in_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Capture everything at DEBUG; fail if the bot token shows up in any record."""
    caplog.set_level("DEBUG")
    yield caplog
    phases = ("setup", "call", "teardown")
    for record in [r for phase in phases for r in caplog.get_records(phase)]:
        text = record.getMessage() + (caplog.handler.format(record) if record.exc_info else "")
        assert TOKEN not in text, f"token leaked in log {record.name}: {text[:200]}"
        assert TOKEN.split(":")[1] not in text


@pytest.fixture
def scripted(service: CreditsService) -> Scripted:
    return Scripted(service)


@pytest.fixture
async def tg_scripted(
    tg_settings: Settings, scripted: Scripted, fake_api: FakeBotApi, updates: Updates
) -> AsyncIterator[Harness]:
    """The bot over the bundled catalog, with answers to ``ask`` a test can script."""
    async with _running_harness(tg_settings, scripted, fake_api, updates) as harness:
        yield harness
