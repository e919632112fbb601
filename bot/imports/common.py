"""What the importers share: installing a data file with its rebuild, a progress bar."""

from __future__ import annotations

import contextlib
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.store.build import BuildReport, build_from_sources, catalog_lock
from bot.transaction import DataTransaction, data_transaction


def install_and_rebuild(
    tmp: Path,
    dest: Path,
    data_dir: Path,
    db_path: Path,
    *,
    tx: DataTransaction | None = None,
) -> BuildReport:
    """Move a finished data file into place and rebuild the catalog, or change nothing.

    Runs as a data transaction (:mod:`bot.transaction`): under the import lock, with the
    previous ``dest`` kept aside and journalled until the rebuild has succeeded. A failure
    puts it back; a process killed meanwhile is rolled back by the next one, so the data
    files and the catalog always agree. The catalog's build lock is held from the install
    to the end of the build, so a bot starting meanwhile waits and serves the result.
    Pass ``tx`` when the caller already holds a transaction (and its lock).
    """
    if tx is None:
        with data_transaction(data_dir) as own:
            return install_and_rebuild(tmp, dest, data_dir, db_path, tx=own)
    try:
        with catalog_lock(db_path):
            tx.install(tmp, dest)
            report = build_from_sources(data_dir, db_path, locked=True)
        tx.commit()
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()  # still there only when the install did not happen
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
