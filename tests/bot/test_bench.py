"""The benchmark runs end to end on a small size and reports every promised number."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bot.bench.resolver import ABSENT_KINDS, generate_absent, generate_films, generate_queries
from bot.normalize import normalize

KEYS = {
    "size", "ask_p50_ms", "ask_p99_ms", "suggest_p99_ms", "top1", "nonsense_rejected",
    "baseline_p50_ms", "baseline_top1", "baseline_nonsense_rejected", "build_s", "db_mb",
    "rss_mb", "cold_start_ms", "wrong_answer_rate", "baseline_wrong_answer_rate",
    "concurrent_asks_per_s",
}  # fmt: skip


def test_generated_catalog_has_sequels_and_remakes() -> None:
    films = generate_films(3000, seed=1, real=[])
    titles = [f.title for f in films]
    assert len(films) == 3000
    assert any(t.endswith((" 2", " II", " 3")) for t in titles)
    assert any(":" in t for t in titles)
    keys = [normalize(t) for t in titles]
    assert len(set(keys)) < len(keys)  # remakes share a title
    queries = generate_queries(films, 70, seed=1)
    assert {q["kind"] for q in queries} == {
        "exact",
        "typo",
        "typo2",
        "article",
        "year",
        "partial",
        "nonsense",
    }
    known = set(keys)
    assert all(normalize(q["query"]) not in known for q in queries if q["expect"] is None)


def test_absent_queries_name_no_film_of_the_catalog() -> None:
    films = generate_films(3000, seed=2, real=[])
    absent = generate_absent(films, 40, seed=2)
    assert len(absent) == 40
    assert {q["kind"] for q in absent} == set(ABSENT_KINDS)
    keys = {normalize(f.title).replace(" ", "") for f in films}
    for q in absent:
        assert q["expect"] is None
        assert normalize(q["query"]).replace(" ", "") not in keys
    years = {(normalize(f.title), f.year) for f in films}
    for q in absent:
        if q["kind"] == "absent-year":
            title, _, year = q["query"].rpartition(" ")
            assert all((normalize(title), int(year) + d) not in years for d in (-1, 0, 1))


def test_bench_command_json(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "credits_bot", "bench", "--sizes", "2000", "--queries", "70", "--json",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert len(rows) == 1 and set(rows[0]) >= KEYS
    row = rows[0]
    assert row["size"] == 2000
    assert 0 <= row["top1"] <= 1 and 0 <= row["baseline_top1"] <= 1
    assert row["nonsense_rejected"] >= 0.9
    assert row["cold_start_ms"] > 0 and row["rss_mb"] > 0
    assert 0 <= row["wrong_answer_rate"] <= 1 and 0 <= row["baseline_wrong_answer_rate"] <= 1
    assert row["concurrent_asks_per_s"] > 0


def test_bench_rejects_bad_sizes() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "credits_bot", "bench", "--sizes", "ten"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
