"""Viewers correct the bot: reports from the chat, what answers say of them, and review.

- :meth:`Reports.submit`: one report per person per film (a new one replaces the old), at
  most :data:`PER_HOUR` an hour per person, the person stored only as a salted hash.
- :meth:`Reports.viewer_line`: for a film whose credits nobody has recorded, what viewers
  report, worded apart from recorded facts ("3 viewers report a scene after the credits
  (not yet confirmed)"); reports never become a recorded ``none`` by themselves.
- :meth:`Reports.accept`: a maintainer turns a report into a fact: the film's record with
  the reported verdict goes to ``data/local/corrections.jsonl`` (source "viewer reports,
  reviewed"), which outranks every other file and survives rebuilds, and the catalog is
  rebuilt.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.atomic import replace_text
from bot.chatprefs import ChatPrefs
from bot.errors import BotError
from bot.i18n import ENGLISH, Translator
from bot.metrics import METRICS
from bot.models import Answer, Film, Found, Verdict
from bot.records import film_to_record, iter_jsonl
from bot.sources import CORRECTIONS_FILE, LOCAL_DIR
from bot.state.base import Claim, Report, StateStore, Status, person_key
from bot.store.build import BuildReport, build_from_sources
from bot.store.reader import CatalogReader

log = logging.getLogger(__name__)

PER_HOUR = 10
"""Reports one person may make in an hour."""
AGREEING = 3
"""Different people who must agree before their reports are shown with an answer."""
SOURCE = "viewer reports, reviewed"


def _agreed_line(claim: Claim, n: int, t: Translator) -> str:
    """Several viewers agree: worded as what they report, never as a recorded fact."""
    if claim is Claim.NONE:
        return t.ngettext(
            "{n} viewer reports nothing during or after the credits (not yet confirmed)",
            "{n} viewers report nothing during or after the credits (not yet confirmed)",
            n,
        )
    if claim is Claim.DURING:
        return t.ngettext(
            "{n} viewer reports a scene during the credits (not yet confirmed)",
            "{n} viewers report a scene during the credits (not yet confirmed)",
            n,
        )
    if claim is Claim.AFTER:
        return t.ngettext(
            "{n} viewer reports a scene after the credits (not yet confirmed)",
            "{n} viewers report a scene after the credits (not yet confirmed)",
            n,
        )
    return t.ngettext(
        "{n} viewer reports scenes during and after the credits (not yet confirmed)",
        "{n} viewers report scenes during and after the credits (not yet confirmed)",
        n,
    )


def _part(claim: Claim, n: int, t: Translator) -> str:
    """One side of a disagreement."""
    if claim is Claim.NONE:
        return t.ngettext(
            "{n} reports nothing during or after the credits",
            "{n} report nothing during or after the credits",
            n,
        )
    if claim is Claim.DURING:
        return t.ngettext(
            "{n} reports a scene during the credits", "{n} report a scene during the credits", n
        )
    if claim is Claim.AFTER:
        return t.ngettext(
            "{n} reports a scene after the credits", "{n} report a scene after the credits", n
        )
    return t.ngettext(
        "{n} reports scenes during and after the credits",
        "{n} report scenes during and after the credits",
        n,
    )


class Outcome(StrEnum):
    RECORDED = "recorded"
    LIMITED = "limited"
    UNKNOWN_FILM = "unknown-film"


@dataclass(frozen=True, slots=True)
class Submitted:
    outcome: Outcome
    report: Report | None = None


class Reports:
    """Reports over a state store and the catalog they are about."""

    def __init__(self, state: StateStore, reader: CatalogReader) -> None:
        self.state = state
        self.reader = reader
        self.listeners: list[Callable[[Report], Awaitable[None]]] = []
        """Told of each new report (a review channel); a failing one is logged, not raised."""
        self.chats = ChatPrefs(state)
        """Per-chat settings over the same state store."""
        self._salt: str | None = None

    async def person(self, platform: str, user_id: int | str) -> str:
        if self._salt is None:
            self._salt = await self.state.salt()
        return person_key(self._salt, platform, user_id)

    async def submit(
        self,
        film_id: str,
        platform: str,
        user_id: int | str,
        claim: Claim,
        note: str | None = None,
        *,
        now: float | None = None,
    ) -> Submitted:
        submitted = await self._submit(film_id, platform, user_id, claim, note, now=now)
        METRICS.reports.labels(platform, submitted.outcome.value).inc()
        return submitted

    async def _submit(
        self,
        film_id: str,
        platform: str,
        user_id: int | str,
        claim: Claim,
        note: str | None,
        *,
        now: float | None,
    ) -> Submitted:
        if await self.reader.film_by_id(film_id) is None:
            return Submitted(Outcome.UNKNOWN_FILM)
        person = await self.person(platform, user_id)
        now = time.time() if now is None else now
        if await self.state.recent_reports(person, now - 3600) >= PER_HOUR:
            return Submitted(Outcome.LIMITED)
        report = await self.state.add_report(film_id, person, platform, claim, note)
        await self._tell(report)
        return Submitted(Outcome.RECORDED, report)

    async def _tell(self, report: Report) -> None:
        for listener in list(self.listeners):
            try:
                await listener(report)
            except Exception:
                log.exception("could not pass on report %s", report.id)

    async def annotate(self, report: Report, note: str | None) -> Report:
        """Add a note to a report just made: it replaces that report (one per person per
        film), so it does not count again towards the hourly limit; the listeners are told
        (a review channel sees the note)."""
        noted = await self.state.add_report(
            report.film_id, report.person, report.platform, report.claim, note
        )
        await self._tell(noted)
        return noted

    async def viewer_line(self, film_id: str, t: Translator = ENGLISH) -> str | None:
        """What viewers report about a film, in ``t``'s language, or None when fewer than
        three people did."""
        tally = await self.state.tally(film_id)
        verdicts = {c: n for c, n in tally.counts.items() if c.is_verdict}
        if sum(verdicts.values()) < AGREEING:
            return None
        agreed = tally.agreed(AGREEING)
        if agreed is not None:
            return _agreed_line(agreed, tally.counts[agreed], t)
        parts = [
            _part(c, n, t)
            for c, n in sorted(verdicts.items(), key=lambda cn: (-cn[1], cn[0].value))
        ]
        return t.gettext("Viewers disagree: {parts} (not yet confirmed)", parts="; ".join(parts))

    async def accept(self, report_id: int, data_dir: Path, db_path: Path) -> BuildReport:
        """Write the reported verdict as a correction, rebuild the catalog, mark the
        report accepted. Only a report of a verdict can be accepted."""
        report = await self.state.report(report_id)
        if report is None:
            raise BotError(f"no report {report_id}")
        if not report.claim.is_verdict:
            raise BotError(
                f"report {report_id} says '{report.claim}': only a reported verdict can be "
                "accepted as a fact (fix other reports in the data files)"
            )
        hit = await self.reader.film_by_id(report.film_id)
        if hit is None:
            raise BotError(f"the film {report.film_id} is no longer in the catalog")
        record = film_to_record(hit[1])
        record["credits"] = {"verdict": report.claim.value, "source": SOURCE}
        dest = data_dir / LOCAL_DIR / CORRECTIONS_FILE
        _write_correction(dest, record)
        # In a thread: a running bot keeps answering while the catalog is rebuilt.
        built = await asyncio.to_thread(build_from_sources, data_dir, db_path)
        await self.state.set_status(report_id, Status.ACCEPTED)
        return built

    async def reject(self, report_id: int) -> Report:
        report = await self.state.set_status(report_id, Status.REJECTED)
        if report is None:
            raise BotError(f"no report {report_id}")
        return report


def _write_correction(dest: Path, record: dict[str, Any]) -> None:
    """Add or replace the film's correction, atomically."""
    kept = [
        item.film
        for item in (iter_jsonl(dest) if dest.is_file() else ())
        if item.film.id != record["id"]
    ]
    lines = [json.dumps(film_to_record(f), ensure_ascii=False) for f in kept]
    lines.append(json.dumps(record, ensure_ascii=False))
    replace_text(dest, lambda handle: handle.write("\n".join(lines) + "\n"))


def reports_of(service: object) -> Reports | None:
    """The reports an adapter's service carries, if any: the optional ``reports``
    attribute of what the adapters receive (:class:`~bot.service.CreditsService` and
    :class:`~bot.live.LiveService` have one), so :class:`~bot.service.CreditsLookup`
    stays as it is and a bot without a state store still answers."""
    reports = getattr(service, "reports", None)
    return reports if isinstance(reports, Reports) else None


async def viewer_line_for(service: object, answer: Answer, t: Translator = ENGLISH) -> str | None:
    """What viewers report, for an answer about a film nobody has recorded; else None."""
    reports = reports_of(service)
    if reports is None or not isinstance(answer, Found):
        return None
    if answer.film.credits.verdict is not Verdict.UNKNOWN:
        return None
    return await reports.viewer_line(answer.film.id, t)


def claim_label(claim: Claim, t: Translator = ENGLISH) -> str:
    if claim is Claim.WRONG_FILM:
        return t.gettext("Wrong film")
    if claim is Claim.NONE:
        return t.gettext("Nothing during or after")
    if claim is Claim.DURING:
        return t.gettext("A scene during the credits")
    if claim is Claim.AFTER:
        return t.gettext("A scene after the credits")
    if claim is Claim.BOTH:
        return t.gettext("Scenes during and after")
    return t.gettext("Something else")


def report_claims(film: Film) -> tuple[Claim, ...]:
    """What a viewer can report: for a film nobody has recorded, what they saw; else
    what was wrong with the answer."""
    if film.credits.verdict is Verdict.UNKNOWN:
        return (Claim.NONE, Claim.DURING, Claim.AFTER, Claim.BOTH)
    return (Claim.WRONG_FILM, Claim.DURING, Claim.AFTER, Claim.BOTH, Claim.NONE, Claim.OTHER)


async def review_text(reports: Reports, report: Report) -> tuple[str, str | None]:
    """What a review channel shows of a new report: a line for the maintainers (in
    English, like ``credits-bot reports``) and the viewer's note, to be escaped."""
    hit = await reports.reader.film_by_id(report.film_id)
    label = hit[1].label if hit is not None else report.film_id
    line = f"Report #{report.id} from {report.platform}: {label} — {claim_label(report.claim)}"
    return line, report.note
