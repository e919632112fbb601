"""Viewers' reports in Telegram: what answers show of them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from tg_fake_api import FakeBotApi, Updates
from tg_harness import Harness, start_harness
from tg_html import parse

from bot.reports import reports_of
from bot.service import CreditsService
from bot.settings import Settings
from bot.state.base import Claim

FILM = "quiet-orchard-1999"


@pytest.fixture
async def tg_reports(
    tg_settings: Settings,
    reported_service: CreditsService,
    fake_api: FakeBotApi,
    updates: Updates,
) -> AsyncIterator[Harness]:
    harness = await start_harness(tg_settings, reported_service, fake_api, updates)
    try:
        yield harness
    finally:
        await harness.app.shutdown()
    assert fake_api.rejected == []


async def test_an_unknown_film_shows_what_viewers_report_apart_from_facts(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2):
        await reports.submit(FILM, "telegram", user, Claim.AFTER)
    (before,) = await tg_reports.replies_to("/credits Quiet Orchard")
    assert "viewers report" not in parse(before.text).text
    await reports.submit(FILM, "discord", 3, Claim.AFTER)
    (reply,) = await tg_reports.replies_to("/credits Quiet Orchard")
    text = parse(reply.text).text
    assert text.splitlines()[0].startswith("Nobody has recorded")
    assert "3 viewers report a scene after the credits (not yet confirmed)" in text
    assert "<i>3 viewers report" in reply.text
    (german,) = await tg_reports.replies_to("/credits Quiet Orchard", language_code="de")
    assert "3 Zuschauer melden eine Szene nach dem Abspann" in parse(german.text).text


async def test_a_recorded_film_never_shows_viewer_reports(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2, 3):
        await reports.submit("lantern-keepers-2017", "telegram", user, Claim.AFTER)
    (reply,) = await tg_reports.replies_to("/credits Lantern Keepers")
    assert "viewers report" not in parse(reply.text).text
