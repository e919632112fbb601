"""A small, platform-neutral document model for answers.

The core decides *what* is said; each adapter's markup module decides *how* it is marked
up. Spoiler text (scene descriptions, recaps) exists here only inside :class:`Spoiler`
runs, so a renderer that wraps every ``Spoiler`` in its platform's spoiler markup can never
leak it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import RTL
from bot.models import Verdict


class Style(StrEnum):
    PLAIN = "plain"
    BOLD = "bold"
    ITALIC = "italic"


@dataclass(frozen=True, slots=True)
class Text:
    text: str
    style: Style = Style.PLAIN


@dataclass(frozen=True, slots=True)
class Spoiler:
    """Text that must only ever be shown behind the platform's spoiler markup."""

    text: str


Inline = Text | Spoiler


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str
    inline: bool = True
    """A hint for platforms that lay fields out side by side (Discord embeds)."""


@dataclass(frozen=True, slots=True)
class Fields:
    items: tuple[Field, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A titled group of items, e.g. the scenes; each item is a line of runs."""

    title: str
    items: tuple[tuple[Inline, ...], ...]


Block = Paragraph | Fields | Section


@dataclass(frozen=True, slots=True)
class Document:
    title: str
    """The film's "Title (Year)" or a short heading such as "Not found"."""
    headline: str
    """The first thing said: the verdict, or what went wrong. Never a spoiler."""
    blocks: tuple[Block, ...] = ()
    verdict: Verdict | None = None
    """For colouring (Discord embeds); ``None`` when the answer is not about one film."""
    language: str = "en"
    """The language of the bot's own words in it (film data keeps its own language)."""

    @property
    def rtl(self) -> bool:
        """Whether the bot's words in it are written right to left."""
        return self.language in RTL

    def runs(self) -> Iterator[Inline]:
        """Every inline run in reading order (fields yield plain text)."""
        for block in self.blocks:
            if isinstance(block, Paragraph):
                yield from block.runs
            elif isinstance(block, Fields):
                for item in block.items:
                    yield Text(item.label)
                    yield Text(item.value)
            else:
                yield Text(block.title)
                for line in block.items:
                    yield from line

    def spoilers(self) -> list[str]:
        return [run.text for run in self.runs() if isinstance(run, Spoiler)]
