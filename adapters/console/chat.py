"""The console chat: ask, pick from a numbered list when ambiguous, ``recap``, ``quit``."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.models import Ambiguous, Answer, Film, Found, NotFound
from bot.render.answer import answer_document, recap_document
from bot.render.text import render_text
from bot.reports import Outcome, Reports
from bot.service import CreditsLookup
from bot.state.base import Claim

HELP = """Ask about a film: a title ("children of heavn") or a question ("does iron man have
a post credit scene?"). When several films match, type the number of the one you mean.
Commands: recap (the plot of the last film, a spoiler), spoilers (show or hide scene
descriptions), wrong VERDICT [note] (report what you saw after the credits of the last film:
none, during, after, both, film for the wrong film, or other), help, quit."""

CLAIMS = {
    "none": Claim.NONE,
    "nothing": Claim.NONE,
    "no": Claim.NONE,
    "during": Claim.DURING,
    "after": Claim.AFTER,
    "both": Claim.BOTH,
    "film": Claim.WRONG_FILM,
    "wrong-film": Claim.WRONG_FILM,
    "other": Claim.OTHER,
}


async def _read_line(prompt: str, stdin: TextIO, stdout: TextIO) -> str | None:
    stdout.write(prompt)
    stdout.flush()
    line = await asyncio.to_thread(stdin.readline)
    return None if line == "" else line.rstrip("\n")


class _Console:
    """One chat session: what was shown last, and the numbered choices on offer."""

    def __init__(
        self,
        service: CreditsLookup,
        spoilers: bool,
        stdin: TextIO,
        stdout: TextIO,
        reports: Reports | None = None,
    ) -> None:
        self.service = service
        self.reports = reports
        self.spoilers = spoilers
        self.stdin = stdin
        self.stdout = stdout
        self.colour = stdout.isatty()
        self.last_film: Film | None = None
        self.choices: list[str] = []

    def say(self, text: str) -> None:
        self.stdout.write(text + "\n\n")

    def show(self, answer: Answer) -> None:
        doc = answer_document(answer)
        text = render_text(doc, spoilers=self.spoilers, colour=self.colour)
        self.choices = []
        if isinstance(answer, Ambiguous):
            self.choices = [c.id for c in answer.candidates]
            numbered = "\n".join(
                f"  {i}. {c.label}" + (f" — {', '.join(c.directors)}" if c.directors else "")
                for i, c in enumerate(answer.candidates, start=1)
            )
            text = f"{doc.headline}\n{numbered}\nType a number to choose."
        elif isinstance(answer, NotFound) and answer.suggestions:
            self.choices = [c.id for c in answer.suggestions]
            numbered = "\n".join(f"  {i}. {c.label}" for i, c in enumerate(answer.suggestions, 1))
            text = f"{doc.headline}\nDid you mean:\n{numbered}\nType a number to choose."
        if isinstance(answer, Found):
            self.last_film = answer.film
            if answer.film.credits.scenes and not self.spoilers:
                text += "\n(Scene descriptions are hidden: type 'spoilers' to show them.)"
            if answer.film.recap:
                text += "\n(Type 'recap' for the plot — spoilers!)"
        self.say(text)

    async def report(self, rest: str) -> None:
        """``wrong VERDICT [note]``: a report about the last film shown."""
        word, _, note = rest.partition(" ")
        claim = CLAIMS.get(word.lower())
        if self.reports is None:
            self.say("Reports are not available here.")
        elif self.last_film is None:
            self.say("Ask about a film first, then say what was wrong.")
        elif claim is None:
            self.say("Say what you saw: wrong none|during|after|both|film|other [a short note]")
        else:
            done = await self.reports.submit(
                self.last_film.id, "console", getpass.getuser(), claim, note or None
            )
            if done.outcome is Outcome.LIMITED:
                self.say("That is a lot of reports for one hour: please try again later.")
            elif done.report is None:
                self.say("That film is no longer in the catalog.")
            else:
                self.say(
                    f"Thanks: report #{done.report.id} about {self.last_film.label} "
                    "will be reviewed."
                )

    async def handle(self, text: str) -> bool:
        """Answer one line; False when the user wants to leave."""
        command = text.lower()
        if command in ("quit", "exit", "q", ":q", "bye"):
            return False
        if command in ("help", "?"):
            self.say(HELP)
        elif command == "spoilers":
            self.spoilers = not self.spoilers
            self.say(f"Spoilers are now {'shown' if self.spoilers else 'hidden'}.")
        elif command == "recap":
            if self.last_film is None:
                self.say("Ask about a film first.")
            else:
                recap = recap_document(self.last_film)
                self.say(render_text(recap, spoilers=True, colour=self.colour))
        elif command == "wrong" or command.startswith("wrong "):
            await self.report(text[len("wrong") :].strip())
        elif text.isdigit() and self.choices:
            index = int(text) - 1
            if 0 <= index < len(self.choices):
                self.show(await self.service.film(self.choices[index]))
            else:
                self.say(f"Choose a number from 1 to {len(self.choices)}.")
        else:
            self.show(await self.service.ask(text))
        return True


async def chat(
    service: CreditsLookup,
    *,
    spoilers: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    reports: Reports | None = None,
) -> int:
    """Read questions until end of input or ``quit``; returns the exit code."""
    console = _Console(service, spoilers, stdin or sys.stdin, stdout or sys.stdout, reports)
    console.stdout.write("credits-bot — does this film have a scene during or after the credits?\n")
    console.say("Type a film or a question; 'help' for help, 'quit' to leave.")
    while True:
        line = await _read_line("> ", console.stdin, console.stdout)
        if line is None:
            console.stdout.write("\n")
            return 0
        text = line.strip()
        if text and not await console.handle(text):
            return 0
