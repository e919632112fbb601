"""Installs anywhere: the wheel carries its data, and an installed bot keeps its catalog
and state in its own data directory, never in site-packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from bot.home import MANIFEST, home_dir, mirror_bundled

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "adapters", "credits_bot", "data", "pyproject.toml", "README.md", "LICENSE")


def _copy_sources(dest: Path) -> None:
    """This checkout's sources as they would be committed (no caches, no local imports)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "local", "*.sqlite*")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=ignore)
        else:
            shutil.copy2(source, dest / name)


def _run(*argv: str | Path, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=120, **kwargs
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_wheel_installs_in_a_fresh_venv_and_answers_from_anywhere(tmp_path: Path) -> None:
    src, wheels, venv, home, elsewhere = (tmp_path / n for n in ("src", "w", "v", "h", "x"))
    _copy_sources(src)
    # Offline: the build backend of the current environment, no index.
    offline = {**os.environ, "PIP_NO_INDEX": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
        "-w", wheels, src, env=offline,
    )  # fmt: skip
    (wheel,) = wheels.glob("credits_bot-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    fresh_python = venv / "bin" / "python"
    _run(
        sys.executable, "-m", "pip", "--python", fresh_python, "install", "--no-deps",
        "--no-index", wheel, env=offline,
    )  # fmt: skip
    site = Path(
        _run(
            fresh_python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"
        ).stdout.strip()
    )
    # The dependencies come from this environment (a path, so no .pth in it runs).
    (site / "deps.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")

    elsewhere.mkdir()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CREDITS_", "DISCORD_", "TELEGRAM_", "XDG_", "PYTHON"))
    }
    env["HOME"] = str(home)
    done = _run(venv / "bin" / "credits-bot", "ask", "does iron man have a post credit scene?",
                cwd=elsewhere, env=env)  # fmt: skip
    assert "Iron Man (2008)" in done.stdout
    where = _run(fresh_python, "-c", "import bot; print(bot.__file__)", cwd=elsewhere, env=env)
    assert where.stdout.startswith(str(site))  # the installed copy, not this checkout

    data_home = home / ".local" / "share" / "credits-bot"
    assert (data_home / "catalog.sqlite").is_file()
    assert (data_home / "data" / "known" / "films.jsonl").is_file()
    assert not list(site.rglob("*.sqlite")) and not (site / "var").exists()
    assert list(elsewhere.iterdir()) == []


def test_the_home_directory(tmp_path: Path) -> None:
    assert home_dir({"CREDITS_HOME": "~/bot"}) == Path("~/bot").expanduser()
    # From this checkout, without CREDITS_HOME: data/ and var/ of the checkout.
    assert home_dir({"XDG_DATA_HOME": str(tmp_path)}) is None


def test_mirroring_copies_only_changes_and_keeps_local_files(tmp_path: Path) -> None:
    src, dest = tmp_path / "bundle", tmp_path / "home" / "data"
    (src / "known").mkdir(parents=True)
    (src / "a.jsonl").write_text("1\n", encoding="utf-8")
    (src / "known" / "b.jsonl").write_text("2\n", encoding="utf-8")
    assert mirror_bundled(src, dest) == 2
    (dest / "local").mkdir()
    (dest / "local" / "mine.jsonl").write_text("mine\n", encoding="utf-8")
    assert mirror_bundled(src, dest) == 0  # nothing changed: nothing copied
    (src / "a.jsonl").write_text("1 changed\n", encoding="utf-8")
    (src / "known" / "b.jsonl").unlink()  # a newer version no longer ships it
    assert mirror_bundled(src, dest) == 2
    assert (dest / "a.jsonl").read_text(encoding="utf-8") == "1 changed\n"
    assert not (dest / "known" / "b.jsonl").exists()
    assert (dest / "local" / "mine.jsonl").read_text(encoding="utf-8") == "mine\n"
    assert (dest / MANIFEST).is_file()


@pytest.mark.parametrize("name", ["catalog.sqlite", "state.sqlite"])
def test_credits_home_holds_the_catalog_and_the_state(tmp_path: Path, name: str) -> None:
    from bot.settings import Settings

    settings = Settings.from_env({"CREDITS_HOME": str(tmp_path)}, dotenv=tmp_path / "none")
    assert settings.data_dir == tmp_path / "data"
    assert settings.mirror_from == ROOT / "data"
    paths = {"catalog.sqlite": settings.db_path, "state.sqlite": settings.state_path}
    assert paths[name] == tmp_path / name
