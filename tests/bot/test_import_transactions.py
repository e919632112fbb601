"""Imports land whole or not at all, across processes and kill -9 (real processes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from bot.store.build import ensure_catalog, stale_temps
from bot.transaction import JOURNAL_NAME
from tests.bot.test_catalog_safety import credits_bot, env_for, films_in, write_films

ROOT = Path(__file__).resolve().parents[2]


def new_films(path: Path, *titles: str) -> Path:
    path.write_text("".join(json.dumps({"title": t, "year": 2031}) + "\n" for t in titles))
    return path


def imported(data: Path) -> list[Path]:
    return sorted((data / "local").glob("import-*.jsonl"))


def test_an_import_killed_during_its_rebuild_never_lands(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_films(data / "films.jsonl", 6000)
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    before = db.read_bytes()
    extra = new_films(tmp_path / "new.jsonl", "Zyzzyva Nights", "Quokka Dawn")
    proc = subprocess.Popen(
        credits_bot("db", "import", str(extra)),
        env=env_for(data, db),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and proc.poll() is None:
        if stale_temps(db):  # the rebuild has begun: the data file is in place
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the import ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert imported(data) and (data / "local" / JOURNAL_NAME).exists()
    assert db.read_bytes() == before

    asked = subprocess.run(
        credits_bot("ask", "--json", "Zyzzyva Nights"),
        env=env_for(data, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert asked.returncode == 4, asked.stderr  # not found: the killed import did not land
    assert "rolled back an import that did not finish" in asked.stderr
    assert imported(data) == [] and not (data / "local" / JOURNAL_NAME).exists()
    assert films_in(db) == 6000

    again = subprocess.run(
        credits_bot("db", "import", str(extra)),
        env=env_for(data, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    assert films_in(db) == 6002 and len(imported(data)) == 1


def test_two_imports_at_once_leave_one_copy_of_each_film(tmp_path: Path) -> None:
    data = tmp_path / "data"
    write_films(data / "films.jsonl", 4000)
    db = tmp_path / "var" / "catalog.sqlite"
    ensure_catalog(data, db)
    one = new_films(tmp_path / "one.jsonl", "Zyzzyva Nights", "Quokka Dawn")
    two = new_films(tmp_path / "two.jsonl", "Quokka Dawn", "Zyzzyva Nights", "Axolotl Noon")
    procs = [
        subprocess.Popen(
            credits_bot("db", "import", str(path)),
            env=env_for(data, db),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in (one, two)
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    skipped = sum(out.count("skipped") for out, _ in outs)
    assert skipped == 2, outs  # whichever came second skipped the two films the first added
    titles = [json.loads(line)["title"] for f in imported(data) for line in f.open()]
    assert sorted(titles) == ["Axolotl Noon", "Quokka Dawn", "Zyzzyva Nights"]
    asked = subprocess.run(
        credits_bot("ask", "Axolotl Noon"),
        env=env_for(data, db),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert asked.returncode == 0, asked.stderr
    assert films_in(db) == 4003


def test_a_bulk_import_killed_after_replacing_its_file_is_rolled_back(tmp_path: Path) -> None:
    """The replace path (imdb, tmdb, aftercredits): the old file comes back."""
    data = tmp_path / "data"
    write_films(data / "films.jsonl", 20)
    local = data / "local"
    write_films(local / "imdb.jsonl", 5, start=500, word="Known")
    old = (local / "imdb.jsonl").read_bytes()
    db = tmp_path / "catalog.sqlite"
    ensure_catalog(data, db)
    script = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from bot.transaction import data_transaction
        local = Path({str(local)!r})
        tmp = local / ".imdb.jsonl.new.tmp"
        tmp.write_text('{{"title": "Replacement", "year": 2001}}\\n')
        with data_transaction(local.parent) as tx:
            tx.install(tmp, local / "imdb.jsonl")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    killed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=dict(os.environ))
    assert killed.returncode == -signal.SIGKILL
    assert (local / "imdb.jsonl").read_bytes() != old  # the new file was in place
    ensure_catalog(data, db)
    assert (local / "imdb.jsonl").read_bytes() == old
    assert not (local / ".imdb.jsonl.previous").exists()
    assert films_in(db) == 25
