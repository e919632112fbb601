"""Answers as Discord replies: embeds, the Recap button, the choice menu, suggestions, and
the "Wrong?" button whose modal records a viewer's report.

Buttons and the select menu are :class:`discord.ui.DynamicItem` subclasses whose
``custom_id`` carries everything needed (a film id, what to show, who asked), so they keep
working after a restart and the bot keeps no per-message state.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import discord

from adapters.discord.failures import report_error
from adapters.discord.language import (
    cached_chat_settings,
    load_chat_settings,
    scenes_shown,
    translator_for,
)
from adapters.discord.limits import within_limits
from adapters.discord.markup import (
    BUTTON_LABEL_LIMIT,
    CONTENT_LIMIT,
    NO_MENTIONS,
    SELECT_OPTION_LIMIT,
    document_embeds,
    document_text,
    escape_trimmed,
    plain,
)
from bot.errors import BotError
from bot.i18n import ENGLISH, N_, Translator
from bot.limits import MAX_FILM_ID, MAX_QUESTION
from bot.models import (
    Ambiguous,
    Answer,
    Candidate,
    Film,
    Found,
    NotFound,
    Verdict,
)
from bot.render.answer import answer_document, candidate_line, recap_document
from bot.render.document import Document, Paragraph, Text
from bot.reports import (
    Outcome,
    Reports,
    claim_label,
    report_claims,
    reports_of,
    review_text,
    viewer_line_for,
)
from bot.service import CreditsLookup
from bot.settings import Settings
from bot.state.base import MAX_NOTE, Claim, Report
from bot.texts import GONE, STALE_BUTTON

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0
"""Seconds to wait for the core before deferring (Discord allows 3 for the first reply)."""
MAX_SUGGESTION_BUTTONS = 5
MAX_SELECT_OPTIONS = 25
MODAL_TITLE_LIMIT = 45
LABEL_TEXT_LIMIT = 45
PLATFORM = "discord"
"""What reports from here are stored under (with the user id, hashed)."""
MAINTAINERS_ONLY = N_("Only the bot's maintainers can review reports.")
TOO_MANY_REPORTS = N_("That is a lot of reports for one hour: please try later.")

FILM_ID = rf"[a-z0-9][a-z0-9-]{{0,{MAX_FILM_ID - 1}}}"
_FILM_ID = re.compile(FILM_ID)
_IMDB_ID = re.compile(r"tt[0-9]{5,10}")


def is_film_id(text: str) -> bool:
    """Whether ``text`` has the shape of a catalog id (a short lowercase ASCII slug)."""
    return _FILM_ID.fullmatch(text) is not None


class HasService(Protocol):
    service: CreditsLookup


class Mode(StrEnum):
    """What a reply about one film shows; carried in components' ``custom_id``."""

    CREDITS = "c"
    RECAP = "r"


def service_of(interaction: discord.Interaction[Any]) -> CreditsLookup:
    client: HasService = interaction.client  # the CreditsClient made by app.create_client
    return client.service


async def resolve(service: CreditsLookup, text: str) -> Answer:
    """A title option's value: a film id (an autocomplete pick) or text to resolve."""
    text = text.strip()[:MAX_QUESTION]
    if is_film_id(text):
        answer = await service.film(text)
        if isinstance(answer, Found):
            return answer
    return await service.ask(text)


async def in_time(interaction: discord.Interaction[Any], work: Awaitable[Answer]) -> Answer:
    """Await the core; if it is slow, defer first so Discord's 3-second limit holds."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        log.info("Slow answer for interaction %s: deferring", interaction.id)
        await interaction.response.defer(thinking=True)
    return await task


# --- replies -------------------------------------------------------------------------------


@dataclass(slots=True)
class Page:
    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


@dataclass(slots=True)
class Reply:
    pages: list[Page]
    view: discord.ui.View | None = None
    """Attached to the first page."""
    ephemeral: bool = False


def embed_reply(doc: Document, view: discord.ui.View | None = None) -> Reply:
    return Reply([Page(embeds=embeds) for embeds in document_embeds(doc)], view)


def text_reply(doc: Document, view: discord.ui.View | None = None) -> Reply:
    """A short ephemeral reply: one message, trimmed to the content limit."""
    chunks = document_text(doc, CONTENT_LIMIT)
    return Reply([Page(content=chunks[0] if chunks else "\u200b")], view, ephemeral=True)


def film_reply(
    answer: Found,
    mode: Mode,
    t: Translator = ENGLISH,
    viewers: str | None = None,
    *,
    report: bool = False,
    scenes: bool = True,
) -> Reply:
    """The answer about one film (with its buttons), or its recap; ``viewers`` is what
    viewers report about a film nobody has recorded; with ``report`` a "Wrong?" button;
    ``scenes=False`` leaves scene descriptions out (the chat's setting)."""
    if mode is Mode.RECAP:
        return embed_reply(recap_document(answer.film, t))
    doc = answer_document(answer, viewers=viewers, scenes=scenes, t=t)
    return embed_reply(doc, answer_view(answer.film, t, report=report))


def build_reply(
    answer: Answer,
    mode: Mode,
    user_id: int,
    t: Translator = ENGLISH,
    viewers: str | None = None,
    *,
    report: bool = False,
    scenes: bool = True,
) -> Reply:
    """The reply to an answer: public for a film or a choice, ephemeral when not found."""
    if isinstance(answer, Found):
        return film_reply(answer, mode, t, viewers, report=report, scenes=scenes)
    if isinstance(answer, Ambiguous):
        doc = answer_document(answer, t=t)
        return embed_reply(doc, choice_view(answer.candidates, mode, user_id, t))
    return not_found_reply(answer, mode, t)


def not_found_reply(answer: NotFound, mode: Mode, t: Translator = ENGLISH) -> Reply:
    doc = answer_document(answer, t=t)
    view = suggestion_view(answer.suggestions, mode)
    if view is not None:
        doc = Document(
            title=doc.title,
            headline=doc.headline,
            blocks=(Paragraph((Text(t.gettext("Did you mean one of these?")),)),),
            language=doc.language,
        )
    return text_reply(doc, view)


def answer_view(
    film: Film, t: Translator = ENGLISH, *, report: bool = False
) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    if film.recap:
        view.add_item(RecapButton(film.id, t.gettext("Recap")))
    if report and is_film_id(film.id):
        if film.credits.verdict is Verdict.UNKNOWN:
            view.add_item(WrongButton(film.id, t.gettext("I watched it")))
        else:
            view.add_item(WrongButton(film.id, t.gettext("Wrong?")))
    if film.imdb_id and _IMDB_ID.fullmatch(film.imdb_id):
        view.add_item(
            discord.ui.Button(label="IMDb", url=f"https://www.imdb.com/title/{film.imdb_id}/")
        )
    return view if view.children else None


def choice_view(
    candidates: Sequence[Candidate], mode: Mode, user_id: int, t: Translator = ENGLISH
) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PickSelect(mode, user_id, candidates, t.gettext("Which film do you mean?")))
    return view


def suggestion_view(suggestions: Sequence[Candidate], mode: Mode) -> discord.ui.View | None:
    usable = [c for c in suggestions if is_film_id(c.id)]
    if not usable:
        return None
    view = discord.ui.View(timeout=None)
    for candidate in usable[:MAX_SUGGESTION_BUTTONS]:
        view.add_item(FilmButton(mode, candidate.id, candidate.label))
    return view


# --- sending -------------------------------------------------------------------------------


def _page_kw(page: Page, view: discord.ui.View | None = None) -> dict[str, Any]:
    """Keyword arguments for one page: only what it has (empty content is left out)."""
    kw: dict[str, Any] = {"embeds": page.embeds, "allowed_mentions": NO_MENTIONS}
    if page.content:
        kw["content"] = page.content
    if view is not None:
        kw["view"] = view
    return kw


async def _followups(
    interaction: discord.Interaction[Any], pages: Sequence[Page], ephemeral: bool
) -> None:
    for page in pages:
        await interaction.followup.send(ephemeral=ephemeral, **_page_kw(page))


async def send(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """Answer an interaction (or follow up a deferred one), then send the rest."""
    first, rest = reply.pages[0], reply.pages[1:]
    if interaction.response.is_done():
        await interaction.followup.send(ephemeral=reply.ephemeral, **_page_kw(first, reply.view))
    else:
        await interaction.response.send_message(
            ephemeral=reply.ephemeral, **_page_kw(first, reply.view)
        )
    await _followups(interaction, rest, reply.ephemeral)


async def replace(interaction: discord.Interaction[Any], reply: Reply) -> None:
    """Edit the message a component is on into ``reply``; further pages follow."""
    first, rest = reply.pages[0], reply.pages[1:]
    await interaction.response.edit_message(
        content=first.content,
        embeds=first.embeds,
        view=reply.view,
        allowed_mentions=NO_MENTIONS,
    )
    await _followups(interaction, rest, reply.ephemeral)


async def answer_title(
    interaction: discord.Interaction[Any], service: CreditsLookup, text: str, mode: Mode
) -> None:
    """``/credits`` and ``/recap``: resolve the title option and reply."""
    answer = await in_time(interaction, resolve(service, text))
    t = translator_for(interaction)
    viewers = await viewer_line_for(service, answer, t)
    report = reports_of(service) is not None
    scenes = scenes_shown(interaction)
    reply = build_reply(answer, mode, interaction.user.id, t, viewers, report=report, scenes=scenes)
    settings = cached_chat_settings(interaction)
    if interaction.guild_id is not None and settings is not None and not settings.public_replies:
        reply.ephemeral = True  # this server chose answers only the asker sees
    await send(interaction, reply)


# --- components ----------------------------------------------------------------------------


class _Guarded:
    """Routes a component's failure to the adapter's one error hook; a person pressing
    buttons or menus beyond the rate limits is refused like a flood of commands."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
            await load_chat_settings(interaction)
            if not await within_limits(interaction):
                return
            await self.handle(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        raise NotImplementedError


class RecapButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"credits:recap:(?P<film>{FILM_ID})",
):
    """Under an answer: posts the film's plot recap, inside spoilers."""

    def __init__(self, film_id: str, label: str = "Recap") -> None:
        super().__init__(
            discord.ui.Button(
                label=plain(label, BUTTON_LABEL_LIMIT) or "Recap",
                emoji="\N{OPEN BOOK}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"credits:recap:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> RecapButton:
        return cls(match["film"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        answer = await in_time(interaction, service_of(interaction).film(self.film_id))
        t = translator_for(interaction)
        if isinstance(answer, Found):
            await send(interaction, film_reply(answer, Mode.RECAP, t))
        else:
            await send(interaction, build_reply(answer, Mode.RECAP, interaction.user.id, t))


class FilmButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"credits:film:(?P<mode>[cr]):(?P<film>{FILM_ID})",
):
    """A suggestion under "not found": shows that film's answer (or recap)."""

    def __init__(self, mode: Mode, film_id: str, label: str = "Film") -> None:
        super().__init__(
            discord.ui.Button(
                label=plain(label, BUTTON_LABEL_LIMIT) or "Film",
                style=discord.ButtonStyle.primary,
                custom_id=f"credits:film:{mode}:{film_id}",
            )
        )
        self.mode = mode
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> FilmButton:
        label = getattr(item, "label", None) or "Film"
        return cls(Mode(match["mode"]), match["film"], label)

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        answer = await service.film(self.film_id)
        t = translator_for(interaction)
        if not isinstance(answer, Found):
            await replace(interaction, build_reply(answer, self.mode, interaction.user.id, t))
            return
        # The suggestions were only for the asker: close them, then answer in the open.
        if self.mode is Mode.RECAP:
            note = t.gettext("Showing the recap of {film}.", film=answer.film.label)
        else:
            note = t.gettext("Showing {film}.", film=answer.film.label)
        await interaction.response.edit_message(
            content=escape_trimmed(note, CONTENT_LIMIT),
            embeds=[],
            view=None,
            allowed_mentions=NO_MENTIONS,
        )
        viewers = await viewer_line_for(service, answer, t)
        report = reports_of(service) is not None
        reply = film_reply(
            answer, self.mode, t, viewers, report=report, scenes=scenes_shown(interaction)
        )
        await send(interaction, reply)


class PickSelect(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=r"credits:pick:(?P<mode>[cr]):(?P<user>[0-9]{1,20})",
):
    """The choice between films with one title: the asker's pick edits the message."""

    def __init__(
        self,
        mode: Mode,
        user_id: int,
        candidates: Sequence[Candidate] = (),
        placeholder: str = "Which film do you mean?",
        /,
    ) -> None:
        options = [
            discord.SelectOption(
                label=plain(candidate_line(c), SELECT_OPTION_LIMIT) or c.id,
                value=c.id,
            )
            for c in candidates
            if is_film_id(c.id)
        ][:MAX_SELECT_OPTIONS]
        super().__init__(
            discord.ui.Select(
                custom_id=f"credits:pick:{mode}:{user_id}",
                placeholder=plain(placeholder, SELECT_OPTION_LIMIT),
                min_values=1,
                max_values=1,
                options=options or [discord.SelectOption(label="-", value="-")],
            )
        )
        self.mode = mode
        self.user_id = user_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PickSelect:
        return cls(Mode(match["mode"]), int(match["user"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        values = self.item.values
        if not values or not is_film_id(values[0]):
            await interaction.response.defer()
            return
        service = service_of(interaction)
        answer = await service.film(values[0])
        t = translator_for(interaction)
        viewers = await viewer_line_for(service, answer, t)
        report = reports_of(service) is not None
        scenes = scenes_shown(interaction)
        reply = build_reply(
            answer, self.mode, interaction.user.id, t, viewers, report=report, scenes=scenes
        )
        if interaction.user.id == self.user_id and isinstance(answer, Found):
            await replace(interaction, reply)
        else:
            # Somebody else's question: answer them privately, leave the menu in place.
            reply.ephemeral = True
            await send(interaction, reply)


class WrongButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"credits:wrong:(?P<film>{FILM_ID})",
):
    """Under an answer: "Wrong?" (or "I watched it"), opening the report's modal."""

    def __init__(self, film_id: str, label: str = "Wrong?") -> None:
        super().__init__(
            discord.ui.Button(
                label=plain(label, BUTTON_LABEL_LIMIT) or "Wrong?",
                style=discord.ButtonStyle.secondary,
                custom_id=f"credits:wrong:{film_id}",
            )
        )
        self.film_id = film_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> WrongButton:
        return cls(match["film"])

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        service = service_of(interaction)
        t = translator_for(interaction)
        answer = await service.film(self.film_id)
        if not isinstance(answer, Found) or reports_of(service) is None:
            await send(interaction, notice(t.gettext(GONE)))
            return
        await interaction.response.send_modal(ReportModal(answer.film, t))


REPORT_MODAL = re.compile(rf"credits:report:(?P<film>{FILM_ID})")


class ReportModal(discord.ui.Modal):
    """What was wrong (or, for a film nobody has recorded, what was seen) and a note.

    Only a form: the library does not keep it (it is stopped before it is sent), and its
    submission is handled from the interaction alone (:func:`submit_report`, called by the
    client for every modal submission), so a form opened before a restart still works
    and two people reporting the same film at once do not share one.
    """

    def __init__(self, film: Film, t: Translator) -> None:
        title = t.gettext("Report: {film}", film=film.label)
        super().__init__(
            title=plain(title, MODAL_TITLE_LIMIT) or "Report",
            custom_id=f"credits:report:{film.id}",
        )
        unknown = film.credits.verdict is Verdict.UNKNOWN
        question = t.gettext("What did you see?") if unknown else t.gettext("What was wrong?")
        claim: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="claim",
            required=True,
            min_values=1,
            max_values=1,
            options=[
                discord.SelectOption(
                    label=plain(claim_label(c, t), SELECT_OPTION_LIMIT) or c.value,
                    value=c.value,
                )
                for c in report_claims(film)
            ],
        )
        note: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="note",
            style=discord.TextStyle.paragraph,
            required=False,
            max_length=MAX_NOTE,
        )
        self.add_item(discord.ui.Label(text=plain(question, LABEL_TEXT_LIMIT), component=claim))
        note_label = t.gettext("Short note (optional)")
        self.add_item(discord.ui.Label(text=plain(note_label, LABEL_TEXT_LIMIT), component=note))
        self.stop()


def _submitted(components: Any) -> dict[str, Any]:
    """``{custom_id: values or value}`` of a modal submission's inputs (labels, rows)."""
    found: dict[str, Any] = {}
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        if "component" in component:
            found.update(_submitted([component["component"]]))
        elif "components" in component:
            found.update(_submitted(component["components"]))
        elif isinstance(component.get("custom_id"), str):
            found[component["custom_id"]] = component.get("values", component.get("value"))
    return found


async def submit_report(interaction: discord.Interaction[Any]) -> bool:
    """A report form's submission: record it. False when the interaction is not one."""
    data: Any = interaction.data or {}
    hit = REPORT_MODAL.fullmatch(str(data.get("custom_id", "")))
    if interaction.type is not discord.InteractionType.modal_submit or hit is None:
        return False
    try:
        await load_chat_settings(interaction)
        await _submit_report(interaction, hit["film"], _submitted(data.get("components")))
    except Exception as exc:
        await report_error(interaction, exc)
    return True


async def _submit_report(
    interaction: discord.Interaction[Any], film_id: str, values: dict[str, Any]
) -> None:
    t = translator_for(interaction)
    service = service_of(interaction)
    reports = reports_of(service)
    answer = await service.film(film_id)
    if reports is None or not isinstance(answer, Found):
        await send(interaction, notice(t.gettext(GONE)))
        return
    film = answer.film
    chosen = values.get("claim")
    try:
        claim = Claim(chosen[0]) if isinstance(chosen, list) and chosen else None
    except ValueError:
        claim = None
    if claim is None or claim not in report_claims(film):
        await send(interaction, notice(t.gettext(STALE_BUTTON)))
        return
    note = values.get("note")
    note = note[: MAX_NOTE * 2] if isinstance(note, str) and note.strip() else None
    done = await reports.submit(film.id, PLATFORM, interaction.user.id, claim, note)
    if done.outcome is Outcome.LIMITED:
        text = t.gettext(TOO_MANY_REPORTS)
    elif done.outcome is Outcome.UNKNOWN_FILM:
        text = t.gettext(GONE)
    else:
        text = t.gettext(
            "Thanks: your report about {film} is recorded for review.", film=film.label
        )
    await send(interaction, notice(text))


class ReviewButton(
    _Guarded,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"credits:review:(?P<act>[ar]):(?P<id>[0-9]{1,18})",
):
    """Accept / Reject under a report in the review channel: maintainers only."""

    def __init__(self, act: str, report_id: int, label: str = "Accept") -> None:
        super().__init__(
            discord.ui.Button(
                label=plain(label, BUTTON_LABEL_LIMIT) or act,
                style=discord.ButtonStyle.success if act == "a" else discord.ButtonStyle.danger,
                custom_id=f"credits:review:{act}:{report_id}",
            )
        )
        self.act = act
        self.report_id = report_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> ReviewButton:
        return cls(match["act"], int(match["id"]))

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        t = translator_for(interaction)
        settings: Settings | None = getattr(interaction.client, "settings", None)
        reports = reports_of(service_of(interaction))
        if settings is None or reports is None:
            await send(interaction, notice(t.gettext(STALE_BUTTON)))
            return
        if not settings.is_maintainer(PLATFORM, interaction.user.id):
            await send(interaction, notice(t.gettext(MAINTAINERS_ONLY)))
            return
        # Accepting rebuilds the catalog: more than Discord's 3 seconds, perhaps.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            if self.act == "a":
                await reports.accept(self.report_id, settings.data_dir, settings.db_path)
                text = t.gettext("Accepted.")
            else:
                await reports.reject(self.report_id)
                text = t.gettext("Rejected.")
        except BotError as exc:
            text = str(exc)
        await send(interaction, notice(text))


async def post_review(
    client: discord.Client, reports: Reports, channel_id: int, report: Report
) -> None:
    """A new report, in the review channel, with Accept / Reject for the maintainers."""
    line, note = await review_text(reports, report)
    content = escape_trimmed(line + ("\n" + note if note else ""), CONTENT_LIMIT)
    view = discord.ui.View(timeout=None)
    view.add_item(ReviewButton("a", report.id, ENGLISH.gettext("Accept")))
    view.add_item(ReviewButton("r", report.id, ENGLISH.gettext("Reject")))
    channel = client.get_partial_messageable(channel_id)
    await channel.send(content, view=view, allowed_mentions=NO_MENTIONS)


def notice(text: str) -> Reply:
    """A short ephemeral line of our own, escaped."""
    return Reply([Page(content=escape_trimmed(text, CONTENT_LIMIT))], ephemeral=True)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RecapButton,
    FilmButton,
    PickSelect,
    WrongButton,
    ReviewButton,
)
