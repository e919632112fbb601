"""Document -> Telegram HTML. All escaping for Telegram lives here, once.

Telegram's HTML parse mode knows a handful of tags; everything else must be escaped. Text
that came from users or the catalog goes through :func:`escape`, which also drops control
characters and keeps ``@name`` from becoming a mention. Spoiler runs are rendered only as
``<tg-spoiler>…</tg-spoiler>``.

Long answers are split into messages of at most :data:`MESSAGE_LIMIT` UTF-16 code units
(the unit Telegram counts in). Splits fall between blocks or lines where possible; a line
that is too long on its own is cut between words (or characters), and any tag that is open
at the cut is closed at the end of one message and reopened at the start of the next, so
every message is well-formed on its own and spoilers stay spoilers.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from bot.render.document import (
    Document,
    Fields,
    Inline,
    Paragraph,
    Section,
    Spoiler,
    Style,
    Text,
)
from bot.textsafe import drop_controls

MESSAGE_LIMIT = 4096
"""Telegram's limit on a message's text, in UTF-16 code units."""

SPOILER_TAG = "tg-spoiler"
_STYLE_TAGS = {Style.BOLD: "b", Style.ITALIC: "i"}

_WORD_JOINER = "\u2060"
_ELLIPSIS = "…"


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def clean(text: str) -> str:
    """Drop characters that have no business in a chat message."""
    return drop_controls(text)


def escape(text: str) -> str:
    """Escape text for Telegram HTML: no tag, no entity, no mention can come out of it.

    ``@`` is followed by a word joiner (invisible) so that ``@everyone`` or ``@somebody``
    is shown as typed but is not a mention that notifies anybody.
    """
    return html.escape(clean(text), quote=False).replace("@", "@" + _WORD_JOINER)


# --- tokens ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: Literal["open", "close", "text"]
    value: str
    """The tag name, or already escaped text (never a partial entity)."""

    def html(self) -> str:
        if self.kind == "open":
            return f"<{self.value}>"
        if self.kind == "close":
            return f"</{self.value}>"
        return self.value


Line = list[_Tok]


def _wrap(tag: str | None, text: str) -> Line:
    escaped = escape(text)
    if not escaped:
        return []
    body = _Tok("text", escaped)
    if tag is None:
        return [body]
    return [_Tok("open", tag), body, _Tok("close", tag)]


def _run(run: Inline) -> Line:
    if isinstance(run, Spoiler):
        return _wrap(SPOILER_TAG, run.text)
    return _wrap(_STYLE_TAGS.get(run.style), run.text)


def _runs(runs: Iterable[Inline]) -> Line:
    line: Line = []
    for run in runs:
        line.extend(_run(run))
    return line


def _lines_of_text(runs: Sequence[Inline]) -> list[Line]:
    """Runs as lines: a newline inside a run starts a new line (tags closed per line)."""
    lines: list[Line] = [[]]
    for run in runs:
        parts = run.text.split("\n")
        for i, part in enumerate(parts):
            if i:
                lines.append([])
            piece: Inline = Spoiler(part) if isinstance(run, Spoiler) else Text(part, run.style)
            lines[-1].extend(_run(piece))
    return [line for line in lines if line]


def _block_lines(block: Paragraph | Fields | Section) -> list[Line]:
    if isinstance(block, Paragraph):
        return _lines_of_text(block.runs)
    if isinstance(block, Fields):
        return [
            [*_wrap("b", f"{item.label}:"), _Tok("text", " "), *_wrap(None, item.value)]
            for item in block.items
        ]
    lines: list[Line] = [_wrap("b", block.title)]
    for item in block.items:
        for i, line in enumerate(_lines_of_text(item)):
            prefix = "• " if i == 0 else "  "
            lines.append([_Tok("text", prefix), *line])
    return [line for line in lines if line]


def document_blocks(doc: Document) -> list[list[Line]]:
    """The document as blocks of lines of tokens: verdict (headline) first."""
    head: list[Line] = []
    if doc.verdict is not None:
        head.append(_wrap("b", doc.headline))
        head.append(_wrap("i", doc.title))
    else:
        head.append(_wrap("b", doc.headline))
    blocks = [[line for line in head if line]]
    for block in doc.blocks:
        lines = _block_lines(block)
        if lines:
            blocks.append(lines)
    return [b for b in blocks if b]


# --- rendering and splitting ----------------------------------------------------------


_TAG = re.compile(r"<[^>]*>")


def visible_text(message: str) -> str:
    """What a reader sees of a message: tags dropped, entities decoded."""
    return html.unescape(_TAG.sub("", message))


def _html(tokens: Iterable[_Tok]) -> str:
    return "".join(t.html() for t in tokens)


def _closing(stack: Sequence[str]) -> str:
    return "".join(f"</{tag}>" for tag in reversed(stack))


def _opening(stack: Sequence[str]) -> str:
    return "".join(f"<{tag}>" for tag in stack)


_PIECES = re.compile(r"\S+\s*|\s+")
_ENTITY_OR_CHAR = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);|.", re.DOTALL)


def _text_pieces(escaped: str, limit: int) -> list[str]:
    """Split escaped text into words (with trailing spaces); overlong words into chars.

    Never cuts inside an entity such as ``&amp;``.
    """
    pieces: list[str] = []
    for word in _PIECES.findall(escaped):
        if utf16_len(word) <= limit // 4:
            pieces.append(word)
        else:
            pieces.extend(_ENTITY_OR_CHAR.findall(word))
    return pieces


def _cut(current: str, stack: Sequence[str]) -> str:
    """Close what is open at a cut, dropping elements that were opened but got no text."""
    open_tags = list(stack)
    while open_tags and current.endswith(f"<{open_tags[-1]}>"):
        current = current[: -len(f"<{open_tags[-1]}>")]
        open_tags.pop()
    return current + _closing(open_tags)


def _split_line(line: Line, limit: int, first_room: int | None = None) -> list[str]:
    """Cut one line that does not fit into pieces that each fit, tags kept balanced.

    The first piece is cut to fit ``first_room`` (what is left of the message being
    filled); it is ``""`` when not even the first word fits there.
    """
    out: list[str] = []
    stack: list[str] = []
    current = ""
    current_has_text = False
    room = limit if first_room is None else min(first_room, limit)

    def fits(extra: str) -> bool:
        return utf16_len(current) + utf16_len(extra) + utf16_len(_closing(stack)) <= room

    for tok in line:
        if tok.kind == "open":
            stack.append(tok.value)
            current += tok.html()
            continue
        if tok.kind == "close":
            # Drop an empty element left behind by a cut (e.g. "<b></b>").
            opener = f"<{tok.value}>"
            if current.endswith(opener):
                current = current[: -len(opener)]
            else:
                current += tok.html()
            stack.pop()
            continue
        for piece in _text_pieces(tok.value, limit):
            if not fits(piece):
                if current_has_text:
                    out.append(_cut(current, stack))
                elif not out and room < limit:
                    out.append("")  # nothing fits in what is left of the first message
                # A new message: open what is open, and start with no blank space.
                current = _opening(stack)
                current_has_text = False
                room = limit
                piece = piece.lstrip()
            current += piece
            current_has_text = current_has_text or bool(piece.strip())
    if current_has_text:
        out.append(current + _closing(stack))
    return out


def split_blocks(blocks: Sequence[Sequence[Line]], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Pack blocks (joined by a blank line) and lines (joined by a newline) into messages.

    A line that fits in a message of its own is never cut: it starts the next message
    instead. A longer line fills what is left of the current message and goes on in the
    next ones. Every message is well-formed HTML on its own and at most ``limit`` UTF-16
    units long.
    """
    messages: list[str] = []
    current = ""

    def flush() -> None:
        nonlocal current
        if visible_text(current).strip():
            messages.append(current)
        current = ""

    for block in blocks:
        for i, line in enumerate(block):
            rendered = _html(line)
            sep = ("\n" if i else "\n\n") if current else ""
            if utf16_len(current) + utf16_len(sep) + utf16_len(rendered) <= limit:
                current += sep + rendered
                continue
            if utf16_len(rendered) <= limit:
                flush()
                current = rendered
                continue
            room = limit - utf16_len(current) - utf16_len(sep)
            pieces = _split_line(line, limit, room)
            if pieces and pieces[0]:
                current += sep + pieces[0]
            flush()
            messages.extend(p for p in pieces[1:-1] if visible_text(p).strip())
            current = pieces[-1] if len(pieces) > 1 else ""
    flush()
    return messages


def render(doc: Document, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The document as one or more Telegram HTML messages, in order."""
    return split_blocks(document_blocks(doc), limit)


def render_one(doc: Document, limit: int = MESSAGE_LIMIT) -> str:
    """The document as a single message (inline results, edits of inline messages).

    When it does not fit, the first part is kept and ends with an ellipsis.
    """
    parts = render(doc, limit - 2)
    if not parts:
        return escape(doc.headline).strip() or escape(doc.title).strip() or _ELLIPSIS
    if len(parts) == 1:
        return parts[0]
    return parts[0] + "\n" + _ELLIPSIS


def render_text(text: str, *, bold: bool = False, limit: int = MESSAGE_LIMIT) -> list[str]:
    """A line of our own (an apology, a usage hint), escaped like everything else."""
    style = Style.BOLD if bold else Style.PLAIN
    return split_blocks([_lines_of_text([Text(text, style)])], limit)
