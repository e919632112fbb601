"""Viewer reports: submitting, the per-person limit, what answers say, review into facts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.errors import BotError
from bot.models import Verdict
from bot.reports import PER_HOUR, Outcome, Reports
from bot.sources import load_films, source_files
from bot.state.base import Claim, Status
from bot.state.sqlite import SqliteState
from bot.store.build import build_from_sources
from bot.store.reader import CatalogReader

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "films.jsonl").write_text(
        json.dumps({"title": "Quiet Orchard", "year": 1999})
        + "\n"
        + json.dumps(
            {"title": "Lantern Keepers", "year": 2017,
             "credits": {"verdict": "none", "source": "Collider"}}
        )
        + "\n"
        + "".join(json.dumps({"title": f"Paper Comet {n}", "year": 2000 + n}) + "\n"
                  for n in range(1, 13))
    )  # fmt: skip
    return data


@pytest.fixture
async def reports(data: Path, tmp_path: Path) -> AsyncIterator[Reports]:
    db = tmp_path / "catalog.sqlite"
    build_from_sources(data, db)
    async with (
        await SqliteState.open(tmp_path / "state.sqlite") as state,
        await CatalogReader.open(db) as reader,
    ):
        yield Reports(state, reader)


async def test_three_agreeing_viewers_are_shown_apart_from_facts(reports: Reports) -> None:
    for user in (1, 2):
        await reports.submit("quiet-orchard-1999", "telegram", user, Claim.AFTER)
    assert await reports.viewer_line("quiet-orchard-1999") is None
    await reports.submit("quiet-orchard-1999", "discord", 3, Claim.AFTER)
    line = await reports.viewer_line("quiet-orchard-1999")
    assert line == "3 viewers report a scene after the credits (not yet confirmed)"
    await reports.submit("quiet-orchard-1999", "discord", 4, Claim.NONE, "sat to the end")
    assert await reports.viewer_line("quiet-orchard-1999") == (
        "Viewers disagree: 3 report a scene after the credits; 1 reports nothing during or "
        "after the credits (not yet confirmed)"
    )


async def test_one_report_per_person_and_a_limit(reports: Reports) -> None:
    first = await reports.submit("quiet-orchard-1999", "telegram", 7, Claim.AFTER)
    again = await reports.submit("quiet-orchard-1999", "telegram", 7, Claim.DURING)
    assert first.report and again.report and first.report.id == again.report.id
    assert (await reports.state.tally("quiet-orchard-1999")).counts == {Claim.DURING: 1}
    now = time.time()
    for n in range(1, PER_HOUR):  # ten films in all within the hour
        done = await reports.submit(f"paper-comet-{n}-{2000 + n}", "telegram", 7, Claim.AFTER)
        assert done.outcome is Outcome.RECORDED
    over = await reports.submit("paper-comet-11-2011", "telegram", 7, Claim.AFTER, now=now)
    assert over.outcome is Outcome.LIMITED
    assert (await reports.submit("paper-comet-11-2011", "telegram", 8, Claim.AFTER)).report
    later = await reports.submit("paper-comet-11-2011", "telegram", 7, Claim.AFTER,
                                 now=now + 3601)  # fmt: skip
    assert later.outcome is Outcome.RECORDED
    assert (await reports.submit("no-such-film", "telegram", 8, Claim.AFTER)).outcome is (
        Outcome.UNKNOWN_FILM
    )


async def test_reports_are_counted_by_platform_and_outcome(reports: Reports) -> None:
    from bot.metrics import METRICS

    def count(outcome: str) -> float:
        return float(METRICS.reports.labels("discord", outcome)._value.get())

    before = {o: count(o) for o in ("recorded", "unknown-film")}
    await reports.submit("quiet-orchard-1999", "discord", 70, Claim.AFTER)
    await reports.submit("no-such-film", "discord", 70, Claim.AFTER)
    assert count("recorded") == before["recorded"] + 1
    assert count("unknown-film") == before["unknown-film"] + 1
    assert 'credits_reports_total{outcome="recorded",platform="discord"}' in (
        METRICS.render().decode()
    )


async def test_people_are_stored_only_as_salted_hashes(reports: Reports) -> None:
    done = await reports.submit("quiet-orchard-1999", "telegram", 123456789, Claim.AFTER)
    assert done.report is not None
    assert "123456789" not in done.report.person and len(done.report.person) == 64


async def test_accepting_writes_a_correction_that_wins(
    reports: Reports, data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "catalog.sqlite"
    done = await reports.submit("lantern-keepers-2017", "discord", 5, Claim.AFTER, "a gag")
    assert done.report is not None
    await reports.accept(done.report.id, data, db)
    films = {x.film.id: x.film for x in load_films(source_files(data))}
    fixed = films["lantern-keepers-2017"]
    assert fixed.credits.verdict is Verdict.AFTER  # over the curated "none"
    assert fixed.credits.source == "viewer reports, reviewed"
    assert (data / "local" / "corrections.jsonl").is_file()
    accepted = await reports.state.report(done.report.id)
    assert accepted is not None and accepted.status is Status.ACCEPTED
    other = await reports.submit("quiet-orchard-1999", "discord", 5, Claim.WRONG_FILM)
    assert other.report is not None
    with pytest.raises(BotError, match="only a reported verdict"):
        await reports.accept(other.report.id, data, db)
    rejected = await reports.reject(other.report.id)
    assert rejected.status is Status.REJECTED


def run_cli(
    args: list[str], env: dict[str, str], stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "credits_bot", *args],
        input=stdin, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_console_flow_end_to_end(data: Path, tmp_path: Path) -> None:
    """credits-bot chat, ask, `wrong after`; reports list --json shows it; accept changes
    the answer."""
    env = {
        **os.environ,
        "CREDITS_DATA_DIR": str(data),
        "CREDITS_DB": str(tmp_path / "catalog.sqlite"),
    }
    before = run_cli(["ask", "quiet orchard"], env)
    assert before.stdout.startswith("Nobody has recorded this one yet"), before.stderr
    chat = run_cli(["chat"], env, stdin="quiet orchard\nwrong after stayed to the end\nquit\n")
    assert chat.returncode == 0, chat.stderr
    assert "Thanks: report #1 about Quiet Orchard (1999) will be reviewed." in chat.stdout
    listed = run_cli(["reports", "list", "--json"], env)
    (report,) = json.loads(listed.stdout)
    assert (report["film_id"], report["claim"], report["note"]) == (
        "quiet-orchard-1999", "after", "stayed to the end"
    )  # fmt: skip
    assert report["platform"] == "console" and report["status"] == "pending"
    accepted = run_cli(["reports", "accept", str(report["id"])], env)
    assert accepted.returncode == 0, accepted.stderr
    after = run_cli(["ask", "quiet orchard"], env)
    assert after.stdout.startswith("Yes — something after the credits"), after.stdout
    assert "viewer reports, reviewed" in after.stdout
    bad = run_cli(["reports", "show", "99"], env)
    assert bad.returncode == 1 and "no report 99" in bad.stderr


def test_about_names_the_sources_and_what_is_stored(tmp_path: Path) -> None:
    about = run_cli(["about"], {**os.environ})
    assert about.returncode == 0, about.stderr
    text = " ".join(about.stdout.split())
    assert "This product uses the TMDB API but is not endorsed or certified by TMDB." in text
    assert "aftercredits.com" in text and "CC BY-SA" in text
    assert "salted hash" in text and "credits-bot reports forget PLATFORM USER_ID" in text
