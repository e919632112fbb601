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

import json
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from bot.atomic import replace_text
from bot.errors import BotError
from bot.metrics import METRICS
from bot.records import film_to_record, iter_jsonl
from bot.sources import CORRECTIONS_FILE, LOCAL_DIR
from bot.state.base import Claim, Report, StateStore, Status, person_key
from bot.store.build import BuildReport, build_from_sources
from bot.store.reader import CatalogReader

PER_HOUR = 10
"""Reports one person may make in an hour."""
AGREEING = 3
"""Different people who must agree before their reports are shown with an answer."""
SOURCE = "viewer reports, reviewed"

_CLAIM_WORDS = {
    Claim.NONE: "nothing during or after the credits",
    Claim.DURING: "a scene during the credits",
    Claim.AFTER: "a scene after the credits",
    Claim.BOTH: "scenes during and after the credits",
}


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
        return Submitted(Outcome.RECORDED, report)

    async def viewer_line(self, film_id: str) -> str | None:
        """What viewers report about a film, or None when fewer than three people did."""
        tally = await self.state.tally(film_id)
        verdicts = {c: n for c, n in tally.counts.items() if c.is_verdict}
        if sum(verdicts.values()) < AGREEING:
            return None
        agreed = tally.agreed(AGREEING)
        if agreed is not None:
            n = tally.counts[agreed]
            return f"{n} viewers report {_CLAIM_WORDS[agreed]} (not yet confirmed)"
        parts = [
            f"{n} {'reports' if n == 1 else 'report'} {_CLAIM_WORDS[c]}"
            for c, n in sorted(verdicts.items(), key=lambda cn: (-cn[1], cn[0].value))
        ]
        return "Viewers disagree: " + "; ".join(parts) + " (not yet confirmed)"

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
        built = build_from_sources(data_dir, db_path)
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
