"""Where an installed bot keeps its files, and its bundled data.

Run from a checkout, the bot reads ``data/`` and writes ``var/`` beside the code, as
before. Installed from a wheel, its code sits in a read-only ``site-packages``, so it
keeps the catalog, the state and a copy of the bundled data in a data directory of its
own: ``CREDITS_HOME`` if set (also in a checkout), else ``$XDG_DATA_HOME/credits-bot``,
else ``~/.local/share/credits-bot``. The bundled data (``bot/_data`` in the package) is
mirrored into ``<home>/data`` at start, only the files that changed, so an upgrade of the
package brings its data and the next start rebuilds the catalog; ``<home>/data/local``
(imports, accepted reports) is never touched.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Mapping
from pathlib import Path

from bot.atomic import staged, write_json_atomic

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
BUNDLED_IN_PACKAGE = PACKAGE_DIR / "_data"
APP_NAME = "credits-bot"
MANIFEST = ".bundled.json"
"""In ``<home>/data``: the files last mirrored from the package (to remove the ones a
newer version no longer ships)."""
SKIP_DIRS = {"local", "__pycache__"}


def from_checkout() -> bool:
    """Whether the code runs from a source checkout (``data/`` beside the packages)."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "data").is_dir()


def bundled_data_dir() -> Path:
    """The data that ships with this code: ``data/`` in a checkout, else the package's."""
    return PROJECT_ROOT / "data" if from_checkout() else BUNDLED_IN_PACKAGE


def home_dir(env: Mapping[str, str]) -> Path | None:
    """The bot's own data directory, or None when it runs from a checkout without
    ``CREDITS_HOME`` (then it uses ``data/`` and ``var/`` of the checkout)."""
    explicit = env.get("CREDITS_HOME", "").strip()
    if explicit:
        return Path(explicit).expanduser()
    if from_checkout():
        return None
    xdg = env.get("XDG_DATA_HOME", "").strip()
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / APP_NAME
    home = env.get("HOME", "").strip()
    base = Path(home) if home else Path.home()
    return base / ".local" / "share" / APP_NAME


def _bundled_files(src: Path) -> list[Path]:
    return sorted(
        p.relative_to(src)
        for p in src.rglob("*")
        if p.is_file()
        and not SKIP_DIRS.intersection(p.relative_to(src).parts)
        and p.suffix not in (".py", ".pyc")
    )


def mirror_bundled(src: Path, dest: Path) -> int:
    """Copy the bundled files that are new or changed into ``dest`` (atomically, keeping
    their modification times), remove the ones no longer bundled; returns how many
    files changed."""
    dest.mkdir(parents=True, exist_ok=True)
    files = _bundled_files(src)
    changed = 0
    for rel in files:
        source, target = src / rel, dest / rel
        st = source.stat()
        with contextlib.suppress(FileNotFoundError):
            tt = target.stat()
            if (tt.st_size, tt.st_mtime_ns) == (st.st_size, st.st_mtime_ns):
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with staged(target) as tmp:
            shutil.copyfile(source, tmp)
            os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
            os.replace(tmp, target)
        changed += 1
    manifest = dest / MANIFEST
    try:
        before = set(json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        before = set()
    now = {str(rel) for rel in files}
    for gone in sorted(before - now):
        path = dest / gone
        if not SKIP_DIRS.intersection(Path(gone).parts):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                changed += 1
    if before != now:
        write_json_atomic(manifest, sorted(now))
    return changed
