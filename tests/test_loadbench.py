"""``credits-bot bench --load``: the load figures, measured for real on a small scale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from credits_bot.cli import main


def test_bench_load_answers_every_message_and_reports_rates(
    catalog_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("CREDITS_HOME", raising=False)
    monkeypatch.setenv("CREDITS_DB", str(catalog_db))
    argv = ["bench", "--load", "--load-asks", "300", "--load-messages", "80"]
    assert main([*argv, "--load-limited-messages", "5", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    asks = result["concurrent_asks"]
    assert asks["asks"] == 300 and asks["asks_per_second"] > 0
    assert 0 < asks["p50_ms"] <= asks["p99_ms"]
    free, capped = result["telegram"]
    assert free["outgoing_limiter"] == "none" and capped["outgoing_limiter"].startswith("AIO")
    assert (free["answered"], capped["answered"]) == (80, 5)  # every message answered once
    assert free["answers_per_second"] > 0 and capped["answers_per_second"] > 0


def test_bench_load_prints_the_figures(
    catalog_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CREDITS_HOME", raising=False)
    monkeypatch.setenv("CREDITS_DB", str(catalog_db))
    argv = ["bench", "--load", "--load-asks", "50", "--load-messages", "10"]
    assert main([*argv, "--load-limited-messages", "3"]) == 0
    out = capsys.readouterr().out
    assert "50 concurrent asks through one service" in out
    assert "10 of 10 answered" in out and "3 of 3 answered" in out
