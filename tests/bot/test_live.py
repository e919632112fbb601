"""A running bot picks up a rebuilt catalog without a restart, and no answer fails."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import pytest

from bot.live import LiveService
from bot.models import Found, Verdict
from bot.store.build import build_from_sources
from bot.store.reader import read_through


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


async def test_a_served_catalog_is_read_into_memory_at_start_and_after_a_swap(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The serving process reads its catalog file through once (in a thread, answers not
    waiting) so its first answers do not wait on the disk; again for a rebuilt one."""
    data, db = tmp_path / "data", tmp_path / "catalog.sqlite"
    data.mkdir()
    write(data, None)
    build_from_sources(data, db)
    caplog.set_level(logging.INFO, logger="bot.live")
    async with await LiveService.open(db, check_every=0.0) as live:
        assert live.warming is not None
        assert isinstance(await live.ask("quiet orchard"), Found)  # not blocked by it
        await live.warming
        first = live.warming
        assert await live.service.warm() == (db.stat().st_size, pytest.approx(0, abs=5))
        write(data, "after")
        await asyncio.to_thread(build_from_sources, data, db)
        assert await live.refresh(force=True)
        assert live.warming is not first and live.warming is not None
        await live.warming
    read = [r.getMessage() for r in caplog.records if "read into memory" in r.getMessage()]
    assert len(read) == 2 and all(str(db) in m for m in read)


def test_read_through_reads_every_byte_of_a_file(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(bytes(range(256)) * 9000)  # more than one 1 MiB chunk
    size, seconds = read_through(path, chunk=1 << 20)
    assert size == path.stat().st_size == 2_304_000 and seconds >= 0
    with pytest.raises(OSError):
        read_through(tmp_path / "missing")
