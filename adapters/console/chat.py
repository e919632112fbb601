"""The console chat: ask, pick from a numbered list when ambiguous, ``recap``, ``quit``."""

from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.models import Ambiguous, Answer, Film, Found, NotFound
from bot.render.answer import answer_document, recap_document
from bot.render.text import render_text
from bot.service import CreditsService

HELP = """Ask about a film: a title ("children of heavn") or a question ("does iron man have
a post credit scene?"). When several films match, type the number of the one you mean.
Commands: recap (the plot of the last film, a spoiler), spoilers (show or hide scene
descriptions), help, quit."""


async def _read_line(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    line = await asyncio.to_thread(stdin.readline)
    return None if line == "" else line.rstrip("\n")


async def chat(
    service: CreditsService,
    *,
    spoilers: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    colour = stdout.isatty()
    last_film: Film | None = None
    choices: list[str] = []

    def show(answer: Answer) -> None:
        nonlocal last_film, choices
        doc = answer_document(answer)
        text = render_text(doc, spoilers=spoilers, colour=colour)
        if isinstance(answer, Ambiguous):
            choices = [c.id for c in answer.candidates]
            numbered = "\n".join(
                f"  {i}. {c.label}" + (f" — {', '.join(c.directors)}" if c.directors else "")
                for i, c in enumerate(answer.candidates, start=1)
            )
            text = f"{doc.headline}\n{numbered}\nType a number to choose."
        elif isinstance(answer, NotFound) and answer.suggestions:
            choices = [c.id for c in answer.suggestions]
            numbered = "\n".join(f"  {i}. {c.label}" for i, c in enumerate(answer.suggestions, 1))
            text = f"{doc.headline}\nDid you mean:\n{numbered}\nType a number to choose."
        else:
            choices = []
        if isinstance(answer, Found):
            last_film = answer.film
            if answer.film.credits.scenes and not spoilers:
                text += "\n(Scene descriptions are hidden: type 'spoilers' to show them.)"
            if answer.film.recap:
                text += "\n(Type 'recap' for the plot — spoilers!)"
        stdout.write(text + "\n\n")

    stdout.write("credits-bot — does this film have a scene during or after the credits?\n")
    stdout.write("Type a film or a question; 'help' for help, 'quit' to leave.\n\n")
    while True:
        line = await _read_line("> ", stdin, stdout)
        if line is None:
            stdout.write("\n")
            return 0
        text = line.strip()
        command = text.lower()
        if not text:
            continue
        if command in ("quit", "exit", "q", ":q", "bye"):
            return 0
        if command in ("help", "?"):
            stdout.write(HELP + "\n\n")
            continue
        if command == "spoilers":
            spoilers = not spoilers
            stdout.write(f"Spoilers are now {'shown' if spoilers else 'hidden'}.\n\n")
            continue
        if command == "recap":
            if last_film is None:
                stdout.write("Ask about a film first.\n\n")
            else:
                stdout.write(
                    render_text(recap_document(last_film), spoilers=True, colour=colour) + "\n\n"
                )
            continue
        if text.isdigit() and choices:
            index = int(text) - 1
            if 0 <= index < len(choices):
                show(await service.film(choices[index]))
            else:
                stdout.write(f"Choose a number from 1 to {len(choices)}.\n\n")
            continue
        show(await service.ask(text))
