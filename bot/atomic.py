"""Atomic files: write beside the destination, rename into place, leave nothing behind.

Readers see the old file or the new one, never half of one; a failure (or an interrupt)
removes the temporary file and leaves the destination as it was.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO


def temp_beside(dest: Path) -> Path:
    """A new empty temporary file in ``dest``'s directory, hidden from ``*.jsonl`` globs."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    return Path(name)


@contextlib.contextmanager
def staged(dest: Path) -> Iterator[Path]:
    """A temporary path beside ``dest`` for the caller to fill and move into place
    (``os.replace``); whatever is left of it afterwards, or after a failure, is removed."""
    tmp = temp_beside(dest)
    try:
        yield tmp
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def replace_text(dest: Path, write: Callable[[TextIO], object]) -> None:
    """Replace ``dest`` with what ``write`` writes to a text handle, atomically and synced."""
    with staged(dest) as tmp:
        with tmp.open("w", encoding="utf-8") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, dest)


def write_json_atomic(dest: Path, value: Any) -> None:
    """Replace ``dest`` with ``value`` as JSON."""
    replace_text(dest, lambda handle: json.dump(value, handle, ensure_ascii=False, indent=1))
