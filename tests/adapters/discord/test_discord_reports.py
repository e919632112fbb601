"""Viewers' reports in Discord: what answers show of them."""

from __future__ import annotations

import json

from conftest import MakeBot
from discord_testkit import check_well_formed

from bot.reports import reports_of
from bot.service import CreditsService
from bot.state.base import Claim

FILM = "quiet-orchard-1999"


async def test_an_unknown_film_shows_what_viewers_report(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2, 3):
        await reports.submit(FILM, "discord", user, Claim.DURING)
    await reports.submit(FILM, "discord", 4, Claim.NONE)
    _, reply = await bot.command("credits", "Quiet Orchard")
    check_well_formed(reply)
    shown = json.dumps(reply.message_data["embeds"], ensure_ascii=False)
    assert "Viewers disagree: 3 report a scene during the credits; " in shown
    assert "1 reports nothing during or after the credits (not yet confirmed)" in shown
    _, russian = await bot.command("credits", "Quiet Orchard", locale="ru")
    shown = json.dumps(russian.message_data["embeds"], ensure_ascii=False)
    assert "Мнения зрителей расходятся: 3 сообщают о сцене во время титров" in shown
