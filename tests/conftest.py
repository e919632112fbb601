"""Fixtures shared by every test: a real catalog built from the bundled data, and the service."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.models import (
    Ambiguous,
    Answer,
    Candidate,
    Credits,
    Film,
    Found,
    Match,
    MatchMethod,
    NotFound,
    Position,
    Ratings,
    Scene,
    Verdict,
    WorthStaying,
)
from bot.records import Located
from bot.service import CreditsService
from bot.sources import (
    LAYER_CURATED,
    load_films,
    source_files,
    source_layer,
)
from bot.texts import EMPTY_QUESTION

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


def _code_under_test(env: dict[str, str]) -> dict[str, str]:
    paths = [str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    return {**env, "PYTHONPATH": os.pathsep.join(paths)}


@pytest.fixture(scope="session")
def code_under_test() -> Callable[[dict[str, str]], dict[str, str]]:
    """Makes the environment of a ``credits-bot`` subprocess run this checkout's code,
    whatever its working directory (an installed ``credits-bot`` may point at another
    checkout, whose catalog schema differs)."""
    return _code_under_test


@pytest.fixture(scope="session")
def bundled_films() -> list[Located]:
    """The films of the bundled catalog that carry facts: the curated files and the bundled
    listing (never data/local, and not the tens of thousands of bare known titles)."""
    return load_films(source_files(DATA, include_local=False, include_known=False))


@pytest.fixture(scope="session")
def curated_films(bundled_films: list[Located]) -> list[Located]:
    """The curated files only (``data/*.jsonl``): every film written by hand."""
    return [x for x in bundled_films if source_layer(Path(x.path)) == LAYER_CURATED]


@pytest.fixture(scope="session")
def content_films(bundled_films: list[Located]) -> list[Located]:
    """The films with something to hide or show: every curated film, and the listing's
    films that have a recap, scene descriptions or kinds of extra."""
    return [
        x
        for x in bundled_films
        if source_layer(Path(x.path)) == LAYER_CURATED
        or x.film.recap
        or any(s.description for s in x.film.credits.scenes)
    ]


@dataclass(frozen=True)
class FirstStart:
    """What a first ``credits-bot ask`` on a new machine did: built the catalog from the
    bundled files (no ``data/local``) and answered."""

    db: Path
    seconds: float
    returncode: int
    stdout: str
    stderr: str


class _FirstStartRun:
    """The first-start process, launched when the session starts so that it builds the
    catalog while the first tests run (2 cores), and awaited by the fixture."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="credits-first-start-"))
        data = self.root / "data"
        data.mkdir()
        for path in [*DATA.glob("*.jsonl"), DATA / "listing", DATA / "known"]:
            (data / path.name).symlink_to(path)
        self.db = self.root / "catalog.sqlite"
        env = {**os.environ, "CREDITS_DB": str(self.db), "CREDITS_DATA_DIR": str(data)}
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "credits_bot", "ask", "children of heaven"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.ended: float | None = None
        self.out: tuple[str, str] = ("", "")
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        self.out = self.proc.communicate(timeout=120)
        self.ended = time.monotonic()

    def wait(self) -> FirstStart:
        self.watcher.join(timeout=130)
        assert self.ended is not None, "the first start did not finish"
        out, err = self.out
        return FirstStart(self.db, self.ended - self.started, self.proc.returncode, out, err)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


_RUN: list[_FirstStartRun] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    _RUN.append(_FirstStartRun())


def pytest_sessionfinish(session: pytest.Session) -> None:
    for run in _RUN:
        run.close()


@pytest.fixture(scope="session")
def first_start() -> FirstStart:
    """The session's catalog, built the way ``make run`` builds it the first time: a new
    ``credits-bot`` process with no catalog (and no ``data/local``), timed until it
    answered. Its time is the process's own: it is measured by a thread that waits for it
    from the start, not by whoever asks for the fixture later."""
    return _RUN[0].wait()


@pytest.fixture(scope="session")
def catalog_db(first_start: FirstStart) -> Path:
    """A real SQLite catalog built from every bundled data file, once per session."""
    assert first_start.returncode == 0, first_start.stderr
    return first_start.db


@pytest.fixture
async def service(catalog_db: Path) -> AsyncIterator[CreditsService]:
    svc = await CreditsService.open(catalog_db)
    try:
        yield svc
    finally:
        await svc.close()


SECRET_SCENE = "SECRET-SCENE: the villain || <b>@everyone</b> returns."
SECRET_RECAP = "SECRET-RECAP: the twist *happens*."


@pytest.fixture(scope="session")
def answers_to_translate() -> list[tuple[str, Answer]]:
    """One answer of every shape the bot words: the five verdicts, the "only extras"
    wordings, a listing's kinds, a loose match, ambiguity and not found (the hostile
    query and the secrets test escaping and spoilers in every language)."""
    during = Scene(Position.DURING, SECRET_SCENE, "gag", "after the first block")
    after = Scene(Position.AFTER, SECRET_SCENE, "sequel-setup")

    def found(credits: Credits, **kw: Any) -> Found:
        f = Film(
            "some-film-2000", "Some Film", 2000, runtime_minutes=101,
            directors=("A. Director", "B. Director"), languages=("fa",),
            ratings=Ratings(metascore=80, metacritic_user=7.5, tomatometer=90, audience=85),
            synopsis="Two siblings share one pair of shoes.", recap=SECRET_RECAP,
            original_title="بچه‌های آسمان", credits=credits,
        )  # fmt: skip
        return Found("some film", f, Match(MatchMethod.EXACT, 100, "Some Film"), **kw)

    src = "test"
    dune = Candidate("dune-2021", "Dune", 2021, 90.0, ("Denis Villeneuve",))
    query = "Dune || <b>@everyone</b>"
    return [
        ("none", found(Credits(Verdict.NONE, (), src))),
        ("during", found(Credits(Verdict.DURING, (during,), src, worth_staying=WorthStaying(1, 1)))),
        ("after", found(Credits(Verdict.AFTER, (after, after), src, worth_staying=WorthStaying(30, 41)))),
        ("both", found(Credits(Verdict.BOTH, (during, after), src))),
        ("unknown", found(Credits())),
        ("only-during", found(Credits(Verdict.DURING, (), src, extras=("dedication",)))),
        ("only-after", found(Credits(Verdict.AFTER, (), src, extras=("title-card", "stills")))),
        ("only-both", found(Credits(Verdict.BOTH, (Scene(Position.DURING, SECRET_SCENE, "audio-only"), Scene(Position.AFTER, None, "stills")), src))),
        ("listed", found(Credits(Verdict.BOTH, (), src, extras=("bonus", "musical")))),
        ("something", found(Credits(Verdict.AFTER, (), src))),
        ("fuzzy", Found(query, found(Credits(Verdict.AFTER, (after,), src)).film, Match(MatchMethod.FUZZY, 80, "Some Film"), (dune,))),
        ("ambiguous", Ambiguous(query, (dune, Candidate("dune-1984", "Dune", 1984, 88.0)))),
        ("not-found", NotFound(query, (dune,))),
        ("not-found-bare", NotFound(query)),
        ("empty", NotFound("", reason=EMPTY_QUESTION)),
    ]  # fmt: skip


REPORTED_FILMS = (
    {"title": "Quiet Orchard", "year": 1999},
    {"title": "Lantern Keepers", "year": 2017,
     "credits": {"verdict": "none", "source": "Collider"}},
    *({"title": f"Paper Comet {n}", "year": 2000 + n} for n in range(1, 12)),
    {"title": "Harbor Lights", "year": 2012,
     "credits": {"verdict": "after", "source": "Collider", "scenes": [
         {"position": "after", "kind": "gag",
          "description": "The ferry captain finally finds his lost parrot."}]}},
)  # fmt: skip
"""A tiny catalog for report flows: one film nobody has recorded, one recorded "none",
one with a described scene (for the scene-descriptions setting)."""


@pytest.fixture
async def reported_service(tmp_path: Path) -> AsyncIterator[CreditsService]:
    """The real service over :data:`REPORTED_FILMS`, carrying viewers' reports over a
    SQLite state store (the optional ``reports`` the adapters look for)."""
    import json

    from bot.reports import Reports
    from bot.state.sqlite import SqliteState
    from bot.store.build import build_from_sources

    data = tmp_path / "reported-data"
    data.mkdir()
    (data / "films.jsonl").write_text("".join(json.dumps(f) + "\n" for f in REPORTED_FILMS))
    db = tmp_path / "reported.sqlite"
    build_from_sources(data, db)
    async with (
        await CreditsService.open(db) as svc,
        await SqliteState.open(tmp_path / "state.sqlite") as state,
    ):
        svc.reports = Reports(state, svc.reader)
        yield svc
