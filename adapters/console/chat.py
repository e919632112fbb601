"""The console chat: ask, pick from a numbered list when ambiguous, ``recap``, ``quit``."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from bot.i18n import N_, Translator, translator
from bot.models import Ambiguous, Answer, Film, Found, NotFound
from bot.render.answer import answer_document, recap_document
from bot.render.text import render_text
from bot.reports import Outcome, Reports
from bot.service import CreditsLookup
from bot.state.base import Claim
from bot.texts import GONE

HELP = N_(
    "Ask about a film: a title (“children of heavn”) or a question (“does iron man have a "
    "post credit scene?”). When several films match, type the number of the one you mean.\n"
    "Commands: {recap} (the plot of the last film, a spoiler), {spoilers} (show or hide "
    "scene descriptions), {help}, {quit}."
)
COMMAND_WORDS = {"recap": "recap", "spoilers": "spoilers", "help": "help", "quit": "quit"}
"""The console's commands stay these words in every language (the help names them)."""
REPORT_HELP = N_(
    "Saw something else? {usage} reports what you saw after the credits of the last film."
)
REPORT_USAGE = "wrong none|during|after|both|film|other [note]"
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
"""``wrong VERDICT``: the words a report may use (they stay these words in every language)."""


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
        t: Translator,
        reports: Reports | None = None,
    ) -> None:
        self.t = t
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
        t = self.t
        doc = answer_document(answer, t=t)
        text = render_text(doc, spoilers=self.spoilers, colour=self.colour)
        self.choices = []
        if isinstance(answer, Ambiguous):
            self.choices = [c.id for c in answer.candidates]
            numbered = "\n".join(
                f"  {i}. {c.label}" + (f" — {', '.join(c.directors)}" if c.directors else "")
                for i, c in enumerate(answer.candidates, start=1)
            )
            text = f"{doc.headline}\n{numbered}\n{t.gettext('Type a number to choose.')}"
        elif isinstance(answer, NotFound) and answer.suggestions:
            self.choices = [c.id for c in answer.suggestions]
            numbered = "\n".join(f"  {i}. {c.label}" for i, c in enumerate(answer.suggestions, 1))
            text = "\n".join(
                (
                    doc.headline,
                    t.gettext("Did you mean:"),
                    numbered,
                    t.gettext("Type a number to choose."),
                )
            )
        if isinstance(answer, Found):
            self.last_film = answer.film
            if answer.film.credits.scenes and not self.spoilers:
                text += "\n" + t.gettext(
                    "(Scene descriptions are hidden: type “{command}” to show them.)",
                    command="spoilers",
                )
            if answer.film.recap:
                text += "\n" + t.gettext(
                    "(Type “{command}” for the plot — spoilers!)", command="recap"
                )
        self.say(text)

    async def report(self, rest: str) -> None:
        """``wrong VERDICT [note]``: a report about the last film shown."""
        t = self.t
        word, _, note = rest.partition(" ")
        claim = CLAIMS.get(word.lower())
        if self.reports is None:
            self.say(t.gettext("Reports are not available here."))
        elif self.last_film is None:
            self.say(t.gettext("Ask about a film first, then say what was wrong."))
        elif claim is None:
            self.say(t.gettext("Say what you saw: {usage}", usage=REPORT_USAGE))
        else:
            done = await self.reports.submit(
                self.last_film.id, "console", getpass.getuser(), claim, note or None
            )
            if done.outcome is Outcome.LIMITED:
                self.say(t.gettext("That is a lot of reports for one hour: please try later."))
            elif done.report is None:
                self.say(t.gettext(GONE))
            else:
                self.say(
                    t.gettext(
                        "Thanks: report #{number} about {film} will be reviewed.",
                        number=done.report.id,
                        film=self.last_film.label,
                    )
                )

    async def handle(self, text: str) -> bool:
        """Answer one line; False when the user wants to leave."""
        command = text.lower()
        if command in ("quit", "exit", "q", ":q", "bye"):
            return False
        t = self.t
        if command in ("help", "?"):
            help_text = t.gettext(HELP, **COMMAND_WORDS)
            if self.reports is not None:
                help_text += "\n" + t.gettext(REPORT_HELP, usage=REPORT_USAGE)
            self.say(help_text)
        elif command == "spoilers":
            self.spoilers = not self.spoilers
            if self.spoilers:
                self.say(t.gettext("Spoilers are now shown."))
            else:
                self.say(t.gettext("Spoilers are now hidden."))
        elif command == "recap":
            if self.last_film is None:
                self.say(t.gettext("Ask about a film first."))
            else:
                recap = recap_document(self.last_film, t)
                self.say(render_text(recap, spoilers=True, colour=self.colour))
        elif command == "wrong" or command.startswith("wrong "):
            await self.report(text[len("wrong") :].strip())
        elif text.isdigit() and self.choices:
            index = int(text) - 1
            if 0 <= index < len(self.choices):
                self.show(await self.service.film(self.choices[index]))
            else:
                self.say(t.gettext("Choose a number from 1 to {n}.", n=len(self.choices)))
        else:
            self.show(await self.service.ask(text))
        return True


async def chat(
    service: CreditsLookup,
    *,
    spoilers: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    lang: str | None = None,
    reports: Reports | None = None,
) -> int:
    """Read questions until end of input or ``quit``; returns the exit code."""
    t = translator(lang)
    console = _Console(service, spoilers, stdin or sys.stdin, stdout or sys.stdout, t, reports)
    banner = t.gettext("credits-bot — does this film have a scene during or after the credits?")
    console.stdout.write(banner + "\n")
    console.say(
        t.gettext(
            "Type a film or a question; “{help}” for help, “{quit}” to leave.",
            help="help",
            quit="quit",
        )
    )
    while True:
        line = await _read_line("> ", console.stdin, console.stdout)
        if line is None:
            console.stdout.write("\n")
            return 0
        text = line.strip()
        if text and not await console.handle(text):
            return 0
