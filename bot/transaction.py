"""Changes to the data folder that land whole or not at all, one at a time.

An import holds the import lock (``data/local/.import.lock``, ``fcntl.flock``) from the
moment it reads what is already there until the catalog has been rebuilt, so two imports
never both add one film. Before it moves a file into ``data/local`` it writes a journal
(``data/local/.import.journal``) naming that file and where the file it replaces was put
aside. Deleting the journal, after the rebuild has succeeded, is the commit.

A process killed in between leaves the journal behind. Whoever takes the lock next (an
import, or a serving process before it looks at the catalog) rolls the change back, so a
killed import never lands later and never leaves a duplicate behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.atomic import write_json_atomic
from bot.errors import BotError

log = logging.getLogger(__name__)

LOCK_NAME = ".import.lock"
JOURNAL_NAME = ".import.journal"


def _local(data_dir: Path) -> Path:
    return data_dir / "local"


@contextlib.contextmanager
def _import_lock(local: Path, *, wait: bool) -> Iterator[bool]:
    local.mkdir(parents=True, exist_ok=True)
    fd = os.open(local / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def _roll_back(local: Path, entries: list[dict[str, Any]]) -> None:
    """Undo installs, newest first: put set-aside files back, remove new ones."""
    for entry in reversed(entries):
        dest = local / str(entry["dest"])
        backup = entry.get("backup")
        if backup is None:
            dest.unlink(missing_ok=True)
        elif (local / str(backup)).exists():
            os.replace(local / str(backup), dest)
        # a backup named but absent: it was never moved aside, so dest is the old file


def _recover(local: Path) -> bool:
    """With the lock held: roll back what a killed import left. True if there was any."""
    journal = local / JOURNAL_NAME
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False
    except (OSError, ValueError) as exc:
        raise BotError(f"cannot read the import journal {journal}: {exc}") from None
    entries = list(record.get("files", []))
    _roll_back(local, entries)
    journal.unlink()
    log.warning(
        "rolled back an import that did not finish (process %s): %s",
        record.get("pid", "?"),
        ", ".join(str(e["dest"]) for e in entries) or "nothing installed yet",
    )
    return True


def recover_if_idle(data_dir: Path) -> bool:
    """Roll back a killed import, unless an import is running (it will finish or roll
    back itself). Cheap when there is nothing to do: no lock, no file created."""
    local = _local(data_dir)
    if not (local / JOURNAL_NAME).exists():
        return False
    with _import_lock(local, wait=False) as held:
        return _recover(local) if held else False


class DataTransaction:
    """Files moved into ``data/local`` under a journal; see the module."""

    def __init__(self, data_dir: Path) -> None:
        self.local = _local(data_dir)
        self._entries: list[dict[str, Any]] = []

    def install(self, tmp: Path, dest: Path) -> None:
        """Move the finished file ``tmp`` to ``dest`` (in ``data/local``), journalled."""
        if dest.parent.resolve() != self.local.resolve():
            raise ValueError(f"{dest} is not in {self.local}")
        backup = dest.with_name(f".{dest.name}.previous") if dest.exists() else None
        self._entries.append({"dest": dest.name, "backup": backup.name if backup else None})
        write_json_atomic(self.local / JOURNAL_NAME, {"pid": os.getpid(), "files": self._entries})
        if backup is not None:
            os.replace(dest, backup)
        os.replace(tmp, dest)

    def commit(self) -> None:
        """Make the installs final: the journal goes first (the commit), then the
        set-aside files."""
        if not self._entries:
            return
        (self.local / JOURNAL_NAME).unlink()
        for entry in self._entries:
            if entry["backup"] is not None:
                with contextlib.suppress(OSError):
                    (self.local / str(entry["backup"])).unlink()
        self._entries = []

    def rollback(self) -> None:
        if not self._entries:
            return
        _roll_back(self.local, self._entries)
        (self.local / JOURNAL_NAME).unlink(missing_ok=True)
        self._entries = []


@contextlib.contextmanager
def data_transaction(data_dir: Path) -> Iterator[DataTransaction]:
    """Hold the import lock (waiting for another import to finish), roll back what a
    killed import left, and roll this one back unless it was committed."""
    local = _local(data_dir)
    with _import_lock(local, wait=True):
        _recover(local)
        tx = DataTransaction(data_dir)
        try:
            yield tx
        finally:
            tx.rollback()  # nothing to do once committed
