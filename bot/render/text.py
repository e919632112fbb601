"""Document -> plain text for the terminal, optionally with ANSI colours.

Spoilers are hidden unless asked for; when shown, they are marked as spoilers.
"""

from __future__ import annotations

import textwrap

from bot.i18n import N_, Translator, translator
from bot.models import Verdict
from bot.render.document import Document, Fields, Inline, Paragraph, Section, Spoiler, Style
from bot.textsafe import drop_controls

HIDDEN = N_("[spoiler hidden]")
SHOWN = N_("[spoiler] {text}")

_VERDICT_COLOUR = {
    Verdict.NONE: "33",  # yellow: nothing to wait for
    Verdict.DURING: "32",
    Verdict.AFTER: "32",
    Verdict.BOTH: "32",
    Verdict.SOME: "32",
    Verdict.UNKNOWN: "36",
}


def _ansi(text: str, code: str, colour: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if colour else text


def _safe(text: str) -> str:
    """Drop control characters (no escape sequences from data reach the terminal)."""
    return drop_controls(text)


def _runs(runs: tuple[Inline, ...], *, spoilers: bool, colour: bool, t: Translator) -> str:
    out: list[str] = []
    for run in runs:
        if isinstance(run, Spoiler):
            if spoilers:
                out.append(_ansi(t.gettext(SHOWN, text=_safe(run.text)), "2", colour))
            else:
                out.append(t.gettext(HIDDEN))
        elif run.style is Style.BOLD:
            out.append(_ansi(_safe(run.text), "1", colour))
        elif run.style is Style.ITALIC:
            out.append(_ansi(_safe(run.text), "3", colour))
        else:
            out.append(_safe(run.text))
    return "".join(out)


def render_text(
    doc: Document, *, spoilers: bool = False, colour: bool = False, width: int = 88
) -> str:
    t = translator(doc.language)
    lines: list[str] = []
    code = _VERDICT_COLOUR.get(doc.verdict, "1") if doc.verdict else "1"
    lines.append(_ansi(_safe(doc.headline), f"1;{code}", colour))
    lines.append(_ansi(_safe(doc.title), "1", colour))
    for block in doc.blocks:
        lines.append("")
        if isinstance(block, Paragraph):
            text = _runs(block.runs, spoilers=spoilers, colour=colour, t=t)
            lines.extend(textwrap.wrap(text, width) or [""])
        elif isinstance(block, Fields):
            label_width = max(len(f.label) for f in block.items) + 1
            for f in block.items:
                lines.append(f"{_safe(f.label) + ':':<{label_width + 1}}{_safe(f.value)}")
        elif isinstance(block, Section):
            lines.append(_ansi(_safe(block.title), "1", colour))
            for item in block.items:
                text = _runs(item, spoilers=spoilers, colour=colour, t=t)
                lines.extend(
                    textwrap.wrap(text, width, initial_indent="- ", subsequent_indent="  ")
                )
    return "\n".join(lines)
