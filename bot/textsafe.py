"""The one control-character filter, used by the question parser and every renderer."""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, the Unicode line and paragraph
# separators (which some clients draw as line breaks and others not at all), and lone
# surrogates (which cannot be encoded, and which Telegram rejects).
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def drop_controls(text: str) -> str:
    """``text`` without control characters: CR LF and a lone CR become LF, and every
    control character but tab and newline is dropped (no escape sequence, no bell, no
    invisible reordering survives)."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
