"""The command line: exit codes, one-line errors, the --json contract."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from credits_bot.cli import EXIT_AMBIGUOUS, EXIT_ERROR, EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path, catalog_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the CLI at the test catalog and an empty data dir (no rebuilds)."""
    monkeypatch.setenv("CREDITS_DB", str(catalog_db))
    monkeypatch.setenv("CREDITS_DATA_DIR", str(tmp_path / "no-data"))
    monkeypatch.chdir(tmp_path)
    return catalog_db


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


FILM_KEYS = {
    "id", "title", "year", "original_title", "aliases", "runtime_minutes", "box_office",
    "languages", "writers", "directors", "ratings", "synopsis", "recap", "sources",
}  # fmt: skip


def test_ask_json_contract_found(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "children of heavn")
    assert code == EXIT_OK
    data = json.loads(out)
    assert set(data) == {"query", "status", "film", "credits", "match", "candidates"}
    assert data["status"] == "found"
    assert set(data["film"]) == FILM_KEYS
    assert set(data["film"]["ratings"]) == {
        "metascore",
        "metacritic_user",
        "tomatometer",
        "audience",
    }
    assert data["film"]["title"] == "Children of Heaven"
    assert data["film"]["runtime_minutes"] == 89
    assert data["credits"]["verdict"] == "none"
    assert data["credits"]["source"]
    assert set(data["match"]) == {"method", "score", "matched"}
    assert data["match"]["method"] == "fuzzy"


def test_ask_json_scenes(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "does iron man have an end credit scene?")
    assert code == EXIT_OK
    data = json.loads(out)
    assert data["film"]["title"] == "Iron Man" and data["film"]["year"] == 2008
    assert data["credits"]["verdict"] == "after"
    scene = data["credits"]["scenes"][0]
    assert set(scene) == {"position", "kind", "description", "at"}
    assert scene["position"] == "after"


def test_ask_json_ambiguous_and_not_found(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--json", "dune")
    assert code == EXIT_AMBIGUOUS
    data = json.loads(out)
    assert data["status"] == "ambiguous" and data["film"] is None and data["credits"] is None
    assert {(c["title"], c["year"]) for c in data["candidates"]} >= {("Dune", 1984), ("Dune", 2021)}
    assert set(data["candidates"][0]) == {"id", "title", "year", "score"}
    code, out, _ = run(capsys, "ask", "--json", "zorblax quintavelle")
    assert code == EXIT_NOT_FOUND
    assert json.loads(out)["status"] == "not_found"


def test_ask_text_hides_spoilers_unless_asked(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ask", "iron man")
    assert code == EXIT_OK
    assert out.splitlines()[0].startswith("Yes")
    assert "[spoiler hidden]" in out
    code, out, _ = run(capsys, "ask", "--spoilers", "iron man")
    assert "[spoiler hidden]" not in out and "[spoiler]" in out


def test_errors_are_one_line_on_stderr(
    env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "ask", "--db", str(tmp_path / "nope.sqlite"), "x")
    assert code == EXIT_ERROR and out == ""
    assert err.count("\n") == 1 and err.startswith("credits-bot: error:") and "Traceback" not in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "year": 2000}\n{"title": "B"}\n')
    code, out, err = run(capsys, "db", "import", str(bad))
    assert code == EXIT_ERROR
    assert err.strip() == f"credits-bot: error: {bad}:2: 'year' is required"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["frobnicate"])
    assert exit_info.value.code == EXIT_USAGE
    assert capsys.readouterr().err.startswith("credits-bot: ")
    assert main([]) == EXIT_USAGE


def test_db_stats_json(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "db", "stats", "--json")
    assert code == EXIT_OK
    stats = json.loads(out)
    assert stats["films"] >= 41 and stats["with_credits"] <= stats["films"]
    assert set(stats["verdicts"]) == {"none", "during", "after", "both", "some", "unknown"}


def test_db_build_validate_and_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.jsonl").write_text('{"title": "Alpha Film", "year": 2000}\n')
    monkeypatch.setenv("CREDITS_DATA_DIR", str(data))
    db = tmp_path / "out.sqlite"
    assert run(capsys, "db", "validate")[0] == EXIT_OK
    code, out, _ = run(capsys, "--db", str(db), "db", "build")
    assert code == EXIT_OK and db.exists() and "1 films" in out
    page = Path(__file__).parent / "pages" / "yes_both.txt"
    code, out, _ = run(capsys, "db", "import", "--db", str(db), str(page))
    assert code == EXIT_OK and "imported 1 films" in out
    code, out, _ = run(capsys, "ask", "--db", str(db), "--json", "lantern keepers")
    assert json.loads(out)["credits"]["verdict"] == "both"


def test_run_without_tokens_opens_the_console_chat(
    env: Path, code_under_test: Callable[[dict[str, str]], dict[str, str]]
) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.endswith("_BOT_TOKEN")}
    environ["PYTHONPATH"] = str(Path(__file__).resolve().parents[2])  # this checkout's code
    proc = subprocess.run(
        [sys.executable, "-m", "credits_bot", "run"],
        input="childern of heaven\nrecap\ndune\n2\nquit\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=code_under_test(environ),
        cwd=env.parent,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "starting the console chat" in out
    assert "Children of Heaven (1997)" in out
    assert "What happens in Children of Heaven" in out
    assert "Type a number to choose." in out
    assert out.count("Dune (") >= 2


def test_ask_answers_in_the_language_asked_for(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "ask", "--lang", "es", "iron man")
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0] == "Sí — 1 escena después de los créditos"
    assert lines[1] == "Iron Man (2008)"
    assert "Quédate hasta el final de los créditos." in out
    assert "Año:" in out and "Year:" not in out
    code, out, _ = run(capsys, "ask", "--lang", "es", "¿tiene escena post créditos Iron Man?")
    assert code == EXIT_OK and out.splitlines()[1] == "Iron Man (2008)"


def test_json_stays_language_neutral(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, english, _ = run(capsys, "ask", "--json", "iron man")
    code, spanish, _ = run(capsys, "ask", "--json", "--lang", "es", "iron man")
    assert code == EXIT_OK and json.loads(spanish) == json.loads(english)


def test_an_unknown_language_is_a_usage_error(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["ask", "--lang", "tlh", "iron man"])
    assert exc.value.code == EXIT_USAGE
    assert "unsupported language 'tlh'" in capsys.readouterr().err


def test_the_console_chat_speaks_the_language_asked_for(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("iron man\nrecap\nhelp\nquit\n"))
    code, out, _ = run(capsys, "chat", "--lang", "de")
    assert code == EXIT_OK
    assert "credits-bot — hat dieser Film eine Szene während oder nach dem Abspann?" in out
    assert "Ja — 1 Szene nach dem Abspann" in out
    assert "Befehle: recap" in out
