"""Serving never overwrites what it did not build, survives failed rebuilds, builds once.

The faults are real: processes killed with -9, four processes starting at once, a
read-only directory (root loses CAP_DAC_OVERRIDE through ``setpriv``), a full disk (a
file-size limit, so writes fail with EFBIG as on a full file system).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.errors import CatalogError
from bot.models import Film
from bot.store.build import (
    build_catalog,
    build_from_sources,
    ensure_catalog,
    inspect_catalog,
    stale_temps,
)

ROOT = Path(__file__).resolve().parents[2]


def write_films(path: Path, count: int, *, start: int = 0, word: str = "Picture") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(start, start + count):
            record = {"title": f"Synthetic {word} {i}", "year": 1950 + i % 70}
            handle.write(json.dumps(record) + "\n")


def films_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM films").fetchone()[0])
    finally:
        conn.close()


def env_for(data: Path, db: Path) -> dict[str, str]:
    return {
        **os.environ,
        "CREDITS_DB": str(db),
        "CREDITS_DATA_DIR": str(data),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def credits_bot(*args: str) -> list[str]:
    return [sys.executable, "-m", "credits_bot", *args]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    write_films(folder / "films.jsonl", 50)
    return folder


# --- what serving may overwrite ---------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"my notes, not a database\n", os.urandom(4096), b"SQLite format 3\x00" + bytes(200)],
    ids=["text", "random-bytes", "truncated-sqlite"],
)
def test_a_file_that_is_not_a_catalog_is_refused_never_overwritten(
    data: Path, tmp_path: Path, content: bytes
) -> None:
    db = tmp_path / "notes.sqlite"
    db.write_bytes(content)
    with pytest.raises(CatalogError, match="not a credits-bot catalog: refusing to overwrite"):
        ensure_catalog(data, db)
    with pytest.raises(CatalogError, match="refusing to overwrite"):
        build_from_sources(data, db)
    assert db.read_bytes() == content


def test_another_sqlite_database_is_refused(data: Path, tmp_path: Path) -> None:
    db = tmp_path / "app.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE accounts(id)")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    with pytest.raises(CatalogError, match="not a credits-bot catalog"):
        ensure_catalog(data, db)
    assert db.read_bytes() == before


def test_a_catalog_built_from_other_data_is_served_as_it_is(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other-data"
    write_films(other / "films.jsonl", 7, word="Other")
    db = tmp_path / "catalog.sqlite"
    build_from_sources(other, db)
    before = db.read_bytes()
    assert ensure_catalog(data, db) == db
    assert db.read_bytes() == before and films_in(db) == 7
    # a benchmark's catalog (built from films, not from a folder) too
    bench = tmp_path / "bench.sqlite"
    build_catalog([Film("x-2000", "X", 2000)], bench)
    assert ensure_catalog(data, bench) == bench and films_in(bench) == 1


def test_a_catalog_records_its_data_folder_and_is_readable_by_all(
    data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    meta = inspect_catalog(db).meta
    assert meta is not None and meta["data_dir"] == str(data.resolve())
    assert stat.S_IMODE(db.stat().st_mode) == 0o644


def test_a_failed_rebuild_keeps_serving_the_last_good_catalog(
    data: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "catalog.sqlite"
    ensure_catalog(data, db)
    before = db.read_bytes()
    (data / "broken.jsonl").write_text('{"title": "Bad", "year": "soon"}\n')
    with caplog.at_level(logging.WARNING, logger="bot.store.build"):
        assert ensure_catalog(data, db) == db
    assert db.read_bytes() == before
    warning = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warning) == 1
    assert "serving the last good one" in warning[0] and "broken.jsonl:1" in warning[0]
    # without a catalog to fall back on, the error is the data file's
    db.unlink()
    with pytest.raises(Exception, match=r"broken\.jsonl:1"):
        ensure_catalog(data, db)


def test_stale_temp_files_are_removed_even_when_the_catalog_is_fresh(
    data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "catalog.sqlite"
    ensure_catalog(data, db)
    left = tmp_path / ".catalog.sqlite.abc123.tmp"
    left.write_bytes(bytes(1000))
    other = tmp_path / ".elsewhere.sqlite.abc123.tmp"  # another catalog's: not ours to touch
    other.write_bytes(b"x")
    ensure_catalog(data, db)
    assert not left.exists() and other.exists()


# --- real processes -----------------------------------------------------------------------


def test_kill_9_during_a_build_leaves_the_old_catalog_and_the_next_start_cleans_up(
    data: Path, tmp_path: Path
) -> None:
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    before = db.read_bytes()
    write_films(data / "more.jsonl", 12_000, start=100)
    proc = subprocess.Popen(
        credits_bot("ask", "synthetic picture 7"),
        env=env_for(data, db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        temps = stale_temps(db)
        if temps and temps[0].stat().st_size > 0:
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the build ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert stale_temps(db), "killed mid-build, a temp file is left"
    assert db.read_bytes() == before  # the old catalog, untouched

    done = subprocess.run(
        credits_bot("ask", "synthetic picture 7000"),
        env=env_for(data, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Synthetic Picture 7000" in done.stdout
    assert stale_temps(db) == []
    assert films_in(db) == 12_050


def test_four_processes_starting_at_once_build_once(data: Path, tmp_path: Path) -> None:
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    write_films(data / "more.jsonl", 3000, start=100)
    procs = [
        subprocess.Popen(
            credits_bot("ask", "--verbose", f"synthetic picture {n}"),
            env=env_for(data, db),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in (1, 2, 3, 4)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [e for _, e in outs]
    builds = sum(err.count("built catalog") for _, err in outs)
    assert builds == 1, [e for _, e in outs]
    assert films_in(db) == 3050
    assert stale_temps(db) == []


def _without_root_powers() -> list[str]:
    """A prefix that makes a root process obey file permissions (as a service user does)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a directory read-only")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner"]


def test_a_read_only_catalog_folder_keeps_serving(data: Path, tmp_path: Path) -> None:
    var = tmp_path / "var"
    db = var / "catalog.sqlite"
    ensure_catalog(data, db)
    before = db.read_bytes()
    write_films(data / "more.jsonl", 20, start=100)
    var.chmod(0o555)
    try:
        done = subprocess.run(
            [*_without_root_powers(), *credits_bot("ask", "synthetic picture 3")],
            env=env_for(data, db),
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        var.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert "Synthetic Picture 3" in done.stdout
    assert "could not rebuild the catalog" in done.stderr
    assert "serving the last good one" in done.stderr
    assert db.read_bytes() == before


def test_a_full_disk_keeps_serving_and_leaves_no_temp_file(data: Path, tmp_path: Path) -> None:
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    before = db.read_bytes()
    write_films(data / "more.jsonl", 5000, start=100)

    def small_disk() -> None:  # writes past 256 KB fail with EFBIG, like ENOSPC
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    done = subprocess.run(
        credits_bot("ask", "synthetic picture 3"),
        env=env_for(data, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=small_disk,
    )
    assert done.returncode == 0, done.stderr
    assert "serving the last good one" in done.stderr
    assert db.read_bytes() == before
    assert stale_temps(db) == []
