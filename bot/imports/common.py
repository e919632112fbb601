"""What the bulk importers share: installing a data file with its rebuild, a progress bar."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.store.build import BuildReport, build_from_sources


def install_and_rebuild(tmp: Path, dest: Path, data_dir: Path, db_path: Path) -> BuildReport:
    """Move a finished data file into place and rebuild the catalog, or change nothing.

    The previous ``dest`` is kept aside until the rebuild has succeeded; if the build
    fails (or is interrupted) it is put back, so the data files and the catalog always
    agree and neither is ever half written.
    """
    backup: Path | None = None
    if dest.exists():
        backup = dest.with_name(f".{dest.name}.previous")
        os.replace(dest, backup)
    try:
        os.replace(tmp, dest)
        report = build_from_sources(data_dir, db_path)
    except BaseException:
        with contextlib.suppress(OSError):
            if backup is not None:
                os.replace(backup, dest)
            else:
                dest.unlink()
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    if backup is not None:
        with contextlib.suppress(OSError):
            backup.unlink()
    return report


class Progress:
    """A one-line progress bar on stderr, redrawn at most a few times a second."""

    WIDTH = 30

    def __init__(
        self, label: str, *, enabled: bool, stream: TextIO | None = None, every: float = 0.25
    ) -> None:
        self.label = label
        self.enabled = enabled
        self.stream = stream if stream is not None else sys.stderr
        self.every = every
        self.started = time.monotonic()
        self._last = 0.0
        self._drawn = 0

    def update(self, fraction: float, note: str = "", *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last < self.every:
            return
        self._last = now
        fraction = min(max(fraction, 0.0), 1.0)
        filled = round(fraction * self.WIDTH)
        elapsed = int(now - self.started)
        line = (
            f"{self.label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{fraction * 100:5.1f}%  {note}  {elapsed // 60}:{elapsed % 60:02d}"
        )
        self.stream.write("\r" + line.ljust(self._drawn))
        self.stream.flush()
        self._drawn = len(line)

    def say(self, message: str) -> None:
        """A line of its own (e.g. the next phase), when the bar is shown."""
        if self.enabled:
            self.stream.write(f"{self.label}: {message}\n")
            self.stream.flush()

    def close(self, note: str = "") -> None:
        if self.enabled:
            self.update(1.0, note, force=True)
            self.stream.write("\n")
            self.stream.flush()
