"""A running bot picks up a rebuilt catalog without a restart, and no answer fails."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.live import LiveService
from bot.models import Found, Verdict
from bot.store.build import build_from_sources


def write(data: Path, verdict: str | None) -> None:
    record: dict[str, object] = {"title": "Quiet Orchard", "year": 1999}
    if verdict:
        record["credits"] = {"verdict": verdict, "source": "Collider"}
    (data / "films.jsonl").write_text(json.dumps(record) + "\n")


async def test_a_rebuilt_catalog_is_served_without_a_restart(tmp_path: Path) -> None:
    data, db = tmp_path / "data", tmp_path / "catalog.sqlite"
    data.mkdir()
    write(data, None)
    build_from_sources(data, db)
    async with await LiveService.open(db, check_every=0.0) as live:
        first = await live.ask("quiet orchard")
        assert isinstance(first, Found) and first.film.credits.verdict is Verdict.UNKNOWN
        stop = asyncio.Event()
        failures: list[BaseException] = []
        answers = 0

        async def keep_asking() -> None:
            nonlocal answers
            while not stop.is_set():
                try:
                    answer = await live.ask("quiet orchard")
                    assert isinstance(answer, Found)
                    answers += 1
                except BaseException as exc:
                    failures.append(exc)
                await asyncio.sleep(0)

        askers = [asyncio.create_task(keep_asking()) for _ in range(8)]
        await asyncio.sleep(0.05)
        write(data, "after")
        await asyncio.to_thread(build_from_sources, data, db)
        for _ in range(200):
            answer = await live.ask("quiet orchard")
            assert isinstance(answer, Found)
            if answer.film.credits.verdict is Verdict.AFTER:
                break
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.gather(*askers)
        assert not failures and answers > 0
        assert live.swaps == 1
        last = await live.film("quiet-orchard-1999")
        assert isinstance(last, Found) and last.film.credits.verdict is Verdict.AFTER


async def test_a_broken_new_file_keeps_the_old_catalog(tmp_path: Path) -> None:
    data, db = tmp_path / "data", tmp_path / "catalog.sqlite"
    data.mkdir()
    write(data, "none")
    build_from_sources(data, db)
    async with await LiveService.open(db, check_every=0.0) as live:
        broken = tmp_path / "broken.sqlite"
        broken.write_text("not a catalog")
        broken.replace(db)
        answer = await live.ask("quiet orchard")
        assert isinstance(answer, Found) and answer.film.credits.verdict is Verdict.NONE
        assert live.swaps == 0
