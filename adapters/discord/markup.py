"""Document -> Discord markup: embeds and message text, within Discord's limits.

All escaping for Discord lives here, once. Text is escaped character by character into
indivisible *tokens* (``\\*``, ``@\\u200b``, a whole URL, a plain character), so a long
text can be split or trimmed between any two tokens without leaving a dangling escape.
A :class:`~bot.render.document.Spoiler` run becomes ``||…||`` around escaped text, and a
spoiler that has to be split becomes several complete ``||…||`` spans: every ``|`` and
``\\`` inside is escaped, so nothing a title or a recap contains can close a spoiler early
or open a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import discord

from bot.i18n import N_, translator
from bot.models import Verdict
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

CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELDS_PER_EMBED = 25
AUTHOR_LIMIT = 256
EMBEDS_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
BUTTON_LABEL_LIMIT = 80
SELECT_OPTION_LIMIT = 100
CHOICE_NAME_LIMIT = 100

ELLIPSIS = "…"
SPOILER_MARK = "||"
SPOILER_FOOTER = N_(
    "Scene descriptions and plot details are hidden: click a dark bar to reveal it."
)

NO_MENTIONS = discord.AllowedMentions.none()
"""Passed with every message: nothing the bot says can ping anybody."""

VERDICT_COLOURS: dict[Verdict, discord.Colour] = {
    Verdict.NONE: discord.Colour(0x95A5A6),  # grey: nothing to wait for
    Verdict.DURING: discord.Colour(0xF1C40F),  # gold: stay for the middle
    Verdict.AFTER: discord.Colour(0x2ECC71),  # green: stay to the end
    Verdict.BOTH: discord.Colour(0x1ABC9C),  # teal: stay for both
    Verdict.SOME: discord.Colour(0x27AE60),  # dark green: stay to the end, where unknown
    Verdict.UNKNOWN: discord.Colour(0x34495E),  # slate: not recorded
}
NEUTRAL_COLOUR = discord.Colour(0x5865F2)

# Escaped everywhere: each of these can start or end Markdown, a spoiler, a code span,
# a quote, a heading, a list item, a masked link or a mention/channel/timestamp tag.
_ESCAPED = frozenset("\\*_~|`<>[]#-")
# A URL is kept whole (Discord links it and parses no Markdown inside); it never holds
# a character that could close a spoiler or start an escape.
_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#!$&'+,;=%]{1,400}")
_MENTION = re.compile(r"@(?=everyone|here|[!&]?[0-9]{17,20})")
_ORDERED_ITEM = re.compile(r"[0-9]{1,9}\.")


def clean(text: str) -> str:
    """Drop control characters (keeping newlines and tabs); CR LF becomes LF."""
    return drop_controls(text)


def tokens(text: str) -> list[str]:
    """Escape ``text`` for Discord Markdown as a list of indivisible tokens."""
    text = clean(text)
    out: list[str] = []
    i, n = 0, len(text)
    line_start = True
    while i < n:
        ch = text[i]
        if ch in "hH" and (i == 0 or not text[i - 1].isalnum()):
            url = _URL.match(text, i)
            if url is not None:
                out.append(url.group())
                i = url.end()
                line_start = False
                continue
        if line_start and ch.isdigit():
            item = _ORDERED_ITEM.match(text, i)
            if item is not None:
                out.append(item.group()[:-1] + "\\.")
                i = item.end()
                line_start = False
                continue
        if ch in _ESCAPED:
            out.append("\\" + ch)
        elif ch == "@" and _MENTION.match(text, i):
            out.append("@\u200b")
        else:
            out.append(ch)
        line_start = ch == "\n" or (line_start and ch in " \t")
        i += 1
    return out


def escape(text: str) -> str:
    """Escape Markdown, mentions and tags so the text reads exactly as written."""
    return "".join(tokens(text))


def plain(text: str, limit: int) -> str:
    """Text for places Discord shows without Markdown (author, footer, labels)."""
    text = " ".join(clean(text).split())
    return trim_plain(text, limit)


def trim_plain(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(ELLIPSIS)].rstrip() + ELLIPSIS


def _fit(toks: list[str], limit: int) -> int:
    """How many leading tokens fit in ``limit`` characters."""
    total = 0
    for k, tok in enumerate(toks):
        total += len(tok)
        if total > limit:
            return k
    return len(toks)


def escape_trimmed(text: str, limit: int) -> str:
    """Escaped text of at most ``limit`` characters, cut between tokens with an ellipsis."""
    toks = tokens(text)
    if sum(map(len, toks)) <= limit:
        return "".join(toks)
    keep = _fit(toks, limit - len(ELLIPSIS))
    return "".join(toks[:keep]).rstrip() + ELLIPSIS


# --- inline runs -------------------------------------------------------------------------


def _marks(run: Inline) -> str:
    if isinstance(run, Spoiler):
        return SPOILER_MARK
    if run.style is Style.BOLD:
        return "**"
    if run.style is Style.ITALIC:
        return "*"
    return ""


def _split_tokens(toks: list[str], room: int) -> Iterator[list[str]]:
    """Cut a token list into parts of at most ``room`` characters, at spaces if possible."""
    while toks:
        keep = _fit(toks, room)
        if keep >= len(toks):
            yield toks
            return
        cut = keep
        while cut > 0 and not toks[cut - 1].isspace():
            cut -= 1
        if cut <= keep // 2:  # no space in the back half: cut inside the word
            cut = max(keep, 1)
        part, toks = toks[:cut], toks[cut:]
        yield part


def run_pieces(run: Inline, limit: int) -> list[str]:
    """A run as one or more self-contained markup pieces, each at most ``limit`` long.

    Pieces of a split spoiler are each wrapped in ``||…||``; pieces of bold text each in
    ``**…**``; so any two pieces may be separated without breaking the markup.
    """
    raw = run.text
    stripped = raw.strip()
    if not stripped:
        return [" "] if raw and not isinstance(run, Spoiler) and run.style is Style.PLAIN else []
    mark = _marks(run)
    lead = " " if raw[0].isspace() and mark else ""
    trail = " " if raw[-1].isspace() and mark else ""
    body = stripped if mark else raw
    room = limit - 2 * len(mark) - len(lead) - len(trail)
    toks = tokens(body)
    parts = [p for p in _split_tokens(toks, room)]
    pieces: list[str] = []
    for k, part in enumerate(parts):
        text = "".join(part)
        if mark:
            text = text.strip()
            if not text:
                continue
            text = f"{mark}{text}{mark}"
        if k == 0:
            text = lead + text
        if k == len(parts) - 1:
            text = text + trail
        pieces.append(text)
    return pieces


@dataclass(frozen=True, slots=True)
class Piece:
    """A self-contained bit of markup and what joins it to the piece before."""

    text: str
    sep: str = ""


def line_pieces(runs: Iterable[Inline], limit: int, *, sep: str) -> list[Piece]:
    pieces: list[Piece] = []
    for run in runs:
        for text in run_pieces(run, limit):
            pieces.append(Piece(text, sep if not pieces else ""))
    return pieces


def block_pieces(blocks: Iterable[Paragraph | Section], limit: int) -> list[Piece]:
    """Paragraphs and sections as pieces; blank lines between blocks."""
    pieces: list[Piece] = []
    for block in blocks:
        first = len(pieces)
        if isinstance(block, Paragraph):
            pieces += line_pieces(block.runs, limit, sep="\n\n")
        else:
            pieces.append(Piece(f"**{escape_trimmed(block.title, 200)}**", "\n\n"))
            for item in block.items:
                bullet = line_pieces(item, limit - 2, sep="\n")
                if bullet:
                    bullet[0] = Piece("• " + bullet[0].text, "\n")
                pieces += bullet
        if first == 0 and pieces:
            pieces[0] = Piece(pieces[0].text, "")
    return pieces


def pack(pieces: Iterable[Piece], limit: int) -> list[str]:
    """Join pieces into chunks of at most ``limit``, breaking only between pieces."""
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = current + piece.sep + piece.text if current else piece.text
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = piece.text
    if current:
        chunks.append(current)
    return chunks


# --- whole documents ----------------------------------------------------------------------


def colour_for(doc: Document) -> discord.Colour:
    return VERDICT_COLOURS.get(doc.verdict, NEUTRAL_COLOUR) if doc.verdict else NEUTRAL_COLOUR


def _header(doc: Document) -> discord.Embed:
    """The first embed, before its description: verdict first for an answer about a film."""
    if doc.verdict is not None:
        embed = discord.Embed(
            title=escape_trimmed(doc.headline, EMBED_TITLE_LIMIT), colour=colour_for(doc)
        )
        embed.set_author(name=plain(doc.title, AUTHOR_LIMIT))
    else:
        embed = discord.Embed(
            title=escape_trimmed(doc.title, EMBED_TITLE_LIMIT), colour=colour_for(doc)
        )
    for block in doc.blocks:
        if isinstance(block, Fields):
            for item in block.items:
                if len(embed.fields) >= FIELDS_PER_EMBED:
                    break
                name = escape_trimmed(item.label, FIELD_NAME_LIMIT) or "\u200b"
                value = escape_trimmed(item.value, FIELD_VALUE_LIMIT) or "\u200b"
                if len(embed) + len(name) + len(value) > EMBEDS_TOTAL_LIMIT // 2:
                    break
                embed.add_field(name=name, value=value, inline=item.inline)
    if doc.spoilers():
        embed.set_footer(text=translator(doc.language).gettext(SPOILER_FOOTER))
    return embed


def document_pieces(doc: Document, limit: int = EMBED_DESCRIPTION_LIMIT) -> list[Piece]:
    """The description of a document as pieces (the headline too, unless it is a title)."""
    blocks: list[Paragraph | Section] = []
    if doc.verdict is None and doc.headline:
        blocks.append(Paragraph((Text(doc.headline, Style.BOLD),)))
    blocks += [b for b in doc.blocks if isinstance(b, Paragraph | Section)]
    return block_pieces(blocks, limit)


def document_embeds(doc: Document) -> list[list[discord.Embed]]:
    """A document as messages of embeds, each message within all of Discord's limits.

    The first embed carries the heading, the fields and the footer; the description runs
    on into further embeds (same colour) and, past 10 embeds or 6000 characters, into
    further messages.
    """
    header = _header(doc)
    messages: list[list[discord.Embed]] = [[header]]
    pieces = document_pieces(doc)
    current = header
    used = len(header)  # characters used by the current message's embeds

    def room(embed: discord.Embed) -> int:
        return min(
            EMBED_DESCRIPTION_LIMIT, EMBEDS_TOTAL_LIMIT - used + len(embed.description or "")
        )

    for piece in pieces:
        desc = current.description or ""
        candidate = desc + piece.sep + piece.text if desc else piece.text
        if len(candidate) <= room(current):
            used += len(candidate) - len(desc)
            current.description = candidate
            continue
        current = discord.Embed(colour=colour_for(doc))
        if len(messages[-1]) >= EMBEDS_PER_MESSAGE or used + len(piece.text) > EMBEDS_TOTAL_LIMIT:
            messages.append([])
            used = 0
        messages[-1].append(current)
        current.description = piece.text
        used += len(piece.text)
    return messages


def document_text(doc: Document, limit: int = CONTENT_LIMIT) -> list[str]:
    """A document as message content (short replies): the headline, then the blocks."""
    blocks: list[Paragraph | Section] = []
    if doc.headline:
        blocks.append(Paragraph((Text(doc.headline),)))
    blocks += [b for b in doc.blocks if isinstance(b, Paragraph | Section)]
    return pack(block_pieces(blocks, limit), limit)
