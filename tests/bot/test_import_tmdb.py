"""``db import-tmdb`` against a fake TMDB server on 127.0.0.1 (aiohttp), real files, real SQLite."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.errors import ConfigError, DataError
from bot.imports.tmdb import (
    KEYWORD_AFTER,
    KEYWORD_DURING,
    PART_FILE,
    SOURCE,
    STATE_FILE,
    TmdbGaveUp,
    import_tmdb,
)
from bot.settings import Secret
from credits_bot.cli import EXIT_ERROR, EXIT_OK, main

TOKEN = "test-token-4f9a"


def details(
    tmdb_id: int,
    title: str,
    date: str,
    *keywords: int,
    imdb_id: str | None = None,
    votes: int = 10,
) -> dict[str, Any]:
    return {
        "id": tmdb_id,
        "title": title,
        "original_title": title,
        "release_date": date,
        "imdb_id": imdb_id,
        "runtime": 100,
        "vote_count": votes,
        "keywords": {"keywords": [{"id": k, "name": str(k)} for k in keywords]},
    }


D, A = KEYWORD_DURING, KEYWORD_AFTER


class FakeTmdb:
    """Discover (``per_page`` films a page, sorted by date) and movie details.

    ``script[(kind, n)]`` holds (status, headers) answers served before the real one,
    where kind is "discover" (n = page) or "movie" (n = id); ``broken`` always fails.
    """

    def __init__(self, films: list[dict[str, Any]], per_page: int = 2) -> None:
        self.films = {f["id"]: copy.deepcopy(f) for f in films}
        self.tagged = [f["id"] for f in films]
        self.per_page = per_page
        self.script: dict[tuple[str, int], list[tuple[int, dict[str, str]]]] = {}
        self.broken: set[tuple[str, int]] = set()
        self.log: list[tuple[str, int]] = []
        self.url = ""

    def _fault(self, key: tuple[str, int]) -> web.Response | None:
        if key in self.broken:
            return web.json_response({"status_message": "oops"}, status=500)
        queue = self.script.get(key)
        if queue:
            status, headers = queue.pop(0)
            return web.json_response({"status_code": 25}, status=status, headers=headers)
        return None

    async def discover(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"status_code": 7}, status=401)
        q = request.query
        assert q["with_keywords"] == f"{D}|{A}"
        page = int(q["page"])
        self.log.append(("discover", page))
        if (fault := self._fault(("discover", page))) is not None:
            return fault
        gte = q.get("primary_release_date.gte", "")
        films = sorted(
            (self.films[i] for i in self.tagged if self.films[i]["release_date"] >= gte),
            key=lambda f: (f["release_date"], f["id"]),
        )
        total = (len(films) + self.per_page - 1) // self.per_page
        chunk = films[(page - 1) * self.per_page : page * self.per_page]
        results = [{"id": f["id"], "title": f["title"], "release_date": f["release_date"]}
                   for f in chunk]  # fmt: skip
        return web.json_response({"page": page, "results": results, "total_pages": total})

    async def movie(self, request: web.Request) -> web.Response:
        if request.headers.get("Authorization") != f"Bearer {TOKEN}":
            return web.json_response({"status_code": 7}, status=401)
        assert request.query["append_to_response"] == "keywords"
        tmdb_id = int(request.match_info["id"])
        self.log.append(("movie", tmdb_id))
        if (fault := self._fault(("movie", tmdb_id))) is not None:
            return fault
        film = self.films.get(tmdb_id)
        if film is None:
            return web.json_response({"status_code": 34}, status=404)
        return web.json_response(film)

    def pages(self) -> list[int]:
        return [n for kind, n in self.log if kind == "discover"]

    def movies(self) -> list[int]:
        return [n for kind, n in self.log if kind == "movie"]


FILMS = [
    details(1, "Iron Orchard", "2008-05-02", A, imdb_id="tt0000101"),  # curated after: agrees
    details(2, "Paper Comets", "2005-03-01", A),  # curated none: contradiction
    details(3, "Lantern Keepers", "2016-07-01", D),  # curated unknown: reported
    details(4, "The Silent Harbor", "1994-09-09", D, A, imdb_id="tt0000001"),  # IMDb: upgraded
    details(5, "Glass Tiger", "2012-01-20", D, imdb_id="tt0000555"),  # new: added
    details(6, "Untagged Now", "2013-02-02"),  # no keyword any more: skipped, never "none"
    details(7, "No Date", "", A),  # no year: skipped
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeTmdb]:
    server = FakeTmdb(FILMS)
    app = web.Application()
    app.router.add_get("/3/discover/movie", server.discover)
    app.router.add_get("/3/movie/{id}", server.movie)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    yield server
    await runner.cleanup()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "local").mkdir(parents=True)
    curated = [
        {
            "title": "Iron Orchard",
            "year": 2008,
            "imdb_id": "tt0000101",
            "credits": {"verdict": "after", "source": "curated"},
        },
        {"title": "Paper Comets", "year": 2005, "credits": {"verdict": "none", "source": "c"}},
        {"title": "Lantern Keepers", "year": 2016},
    ]
    (data / "films.jsonl").write_text("".join(json.dumps(r) + "\n" for r in curated))
    imdb = [
        {
            "id": "the-silent-harbor-1994-tt0000001",
            "title": "The Silent Harbor",
            "year": 1994,
            "aliases": ["Der stille Hafen"],
            "imdb_id": "tt0000001",
            "popularity": 5000,
        },
        {"id": "quiet-2001-tt0000002", "title": "Quiet", "year": 2001, "imdb_id": "tt0000002"},
    ]
    (data / "local" / "imdb.jsonl").write_text("".join(json.dumps(r) + "\n" for r in imdb))
    return data


class Sleeps:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def catalog(db: Path) -> dict[str, tuple[str, str | None, str]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT title, json_extract(record, '$.credits.source'), verdict, id FROM films"
        ).fetchall()
    return {t: (v, s, i) for t, s, v, i in rows}


async def run(fake: FakeTmdb, data: Path, db: Path | None, **kw: Any) -> Any:
    kw.setdefault("sleep", Sleeps())
    return await import_tmdb(data, db, base_url=fake.url, token=Secret(TOKEN), **kw)


async def test_happy_path_and_merge_rules(fake: FakeTmdb, data: Path, tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    report = await run(fake, data, db)
    assert report.pages == 4 and report.tagged == 5
    assert (report.added, report.upgraded, report.agrees) == (1, 1, 1)
    assert [str(c) for c in report.contradictions] == [
        f"Paper Comets (2005): {data / 'films.jsonl'}:2 says none, "
        "TMDB keywords say after (tmdb id 2)"
    ]
    assert [c.film for c in report.curated_unknown] == ["Lantern Keepers (2016)"]
    assert report.skipped == {"no credits keyword any more": 1, "no release year": 1}
    lines = (data / "local" / "tmdb.jsonl").read_text().splitlines()
    written = {r["tmdb_id"]: r for r in map(json.loads, lines)}
    assert set(written) == {4, 5}
    assert written[4] == {  # the IMDb record, with TMDB's verdict
        "id": "the-silent-harbor-1994-tt0000001",
        "title": "The Silent Harbor",
        "year": 1994,
        "aliases": ["Der stille Hafen"],
        "imdb_id": "tt0000001",
        "popularity": 5000,
        "tmdb_id": 4,
        "runtime_minutes": 100,
        "credits": {"verdict": "both", "source": SOURCE},
    }
    assert written[5]["id"] == "glass-tiger-2012" and written[5]["credits"]["verdict"] == "during"
    films = catalog(db)
    assert films["The Silent Harbor"] == ("both", SOURCE, "the-silent-harbor-1994-tt0000001")
    assert films["Glass Tiger"][:2] == ("during", SOURCE)
    assert films["Paper Comets"][:2] == ("none", "c")  # curated beats imported
    assert films["Lantern Keepers"][0] == "unknown"
    assert films["Quiet"][0] == "unknown" and "Untagged Now" not in films
    assert len(films) == 3 + 2 + 1
    assert not (data / "local" / STATE_FILE).exists() and not (data / "local" / PART_FILE).exists()

    # A second walk reports what changed since the first.
    fake.films[5]["keywords"]["keywords"].append({"id": A})
    fake.tagged.remove(4)
    fake.log.clear()
    again = await run(fake, data, db)
    assert again.changed == [("Glass Tiger (2012)", "during", "both")]
    assert (again.added, again.upgraded, again.unchanged, again.removed) == (0, 0, 0, 1)
    films = catalog(db)
    assert films["Glass Tiger"][0] == "both"
    assert films["The Silent Harbor"][:2] == ("unknown", None)  # back to the IMDb record


async def test_resumes_after_an_interruption(fake: FakeTmdb, data: Path, tmp_path: Path) -> None:
    db = tmp_path / "catalog.sqlite"
    fake.broken.add(("discover", 3))
    with pytest.raises(TmdbGaveUp, match="gave up after 2 tries"):
        await run(fake, data, db, max_attempts=2)
    state = json.loads((data / "local" / STATE_FILE).read_text())
    assert state["page"] == 2 and not state["complete"]
    assert not (data / "local" / "tmdb.jsonl").exists() and not db.exists()
    first_movies = set(fake.movies())
    assert len(first_movies) == 4
    # A crash in the middle of page 3 left facts the state does not cover.
    with (data / "local" / PART_FILE).open("a") as part:
        part.write('{"tmdb_id": 999, "title": "Half Writ')
    fake.broken.clear()
    fake.log.clear()
    report = await run(fake, data, db)
    assert report.resumed_after == 2
    assert fake.pages() == [3, 4]
    assert not first_movies & set(fake.movies())  # nothing fetched twice
    assert report.tagged == 5 and (report.added, report.upgraded) == (1, 1)
    assert catalog(db)["The Silent Harbor"][0] == "both"
    assert not (data / "local" / STATE_FILE).exists()


async def test_rate_limits_are_honoured(fake: FakeTmdb, data: Path) -> None:
    fake.script[("discover", 1)] = [(429, {"Retry-After": "1"}), (429, {"Retry-After": "1"})]
    fake.script[("movie", 5)] = [(429, {"Retry-After": "1"}), (503, {})]
    sleeps = Sleeps()
    report = await run(fake, data, None, sleep=sleeps)
    assert sorted(sleeps.waits) == [1.0, 1.0, 1.0, 2.0]  # 503: back off 1 s, then 2 s
    assert report.rate_limited == 3 and report.tagged == 5
    assert fake.pages()[:3] == [1, 1, 1]


async def test_a_rate_limit_that_never_ends_stops_and_changes_nothing(
    fake: FakeTmdb, data: Path, tmp_path: Path
) -> None:
    fake.script[("discover", 1)] = [(429, {"Retry-After": "0"})] * 10
    sleeps = Sleeps()
    with pytest.raises(TmdbGaveUp, match=r"HTTP 429, rate limited"):
        await run(fake, data, tmp_path / "catalog.sqlite", max_attempts=3, sleep=sleeps)
    assert sleeps.waits == [0.0, 0.0]
    assert sorted(p.name for p in (data / "local").iterdir()) == ["imdb.jsonl", PART_FILE]
    assert not (tmp_path / "catalog.sqlite").exists()


async def test_more_than_max_pages_continues_by_release_date(fake: FakeTmdb, data: Path) -> None:
    report = await run(fake, data, None, max_pages=2)
    assert report.tagged == 5 and not report.truncated
    assert fake.pages() == [1, 2, 1, 2]  # a second window from the last date of the first
    assert sorted(set(fake.movies())) == [1, 2, 3, 4, 5, 6, 7]


async def test_a_refused_token_is_a_config_error(fake: FakeTmdb, data: Path) -> None:
    with pytest.raises(ConfigError, match="TMDB refused the token"):
        await import_tmdb(data, None, base_url=fake.url, token=Secret("wrong"))
    with pytest.raises(ConfigError, match="TMDB_API_TOKEN is not set"):
        await import_tmdb(data, None, base_url=fake.url, token=None)


async def test_command_line(
    fake: FakeTmdb,
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CREDITS_DATA_DIR", str(data))
    monkeypatch.setenv("CREDITS_DB", str(tmp_path / "catalog.sqlite"))
    monkeypatch.setenv("TMDB_API_BASE_URL", fake.url)
    monkeypatch.delenv("TMDB_API_TOKEN", raising=False)
    code = await asyncio.to_thread(main, ["db", "import-tmdb"])
    out, err = capsys.readouterr()
    assert code == EXIT_ERROR and out == ""
    assert err == "credits-bot: error: TMDB_API_TOKEN is not set (in the environment or .env)\n"

    monkeypatch.setenv("TMDB_API_TOKEN", TOKEN)
    fake.script[("movie", 4)] = [(429, {"Retry-After": "0"})]
    code = await asyncio.to_thread(main, ["db", "import-tmdb"])
    out, err = capsys.readouterr()
    assert code == EXIT_OK, err
    assert "1 rate-limited" in out
    assert "added 1, upgraded unknown -> verdict 1, changed 0" in out
    assert "1 agree, 1 contradict (not applied), 1 recorded as unknown" in out
    assert "contradiction: Paper Comets (2005)" in out
    code = await asyncio.to_thread(main, ["db", "stats", "--json"])
    stats = json.loads(capsys.readouterr().out)
    assert stats["sources"][SOURCE] == 2
    assert stats["verdicts"]["both"] == 1 and stats["verdicts"]["during"] == 1
    everything = out + err + caplog.text + (data / "local" / "tmdb.jsonl").read_text()
    assert TOKEN not in everything


async def test_a_damaged_state_is_reported_and_restart_starts_over(
    fake: FakeTmdb, data: Path
) -> None:
    (data / "local" / STATE_FILE).write_text("{not json")
    with pytest.raises(DataError, match="unreadable import state: delete it or use --restart"):
        await run(fake, data, None)
    report = await run(fake, data, None, restart=True)
    assert report.resumed_after is None and report.tagged == 5 and fake.pages() == [1, 2, 3, 4]
    assert not (data / "local" / STATE_FILE).exists()
