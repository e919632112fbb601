"""Answers as Discord replies: embeds, the Recap button, the choice menu, suggestions.

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
from adapters.discord.language import translator_for
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
from bot.i18n import ENGLISH, Translator
from bot.limits import MAX_FILM_ID, MAX_QUESTION
from bot.models import (
    Ambiguous,
    Answer,
    Candidate,
    Film,
    Found,
    NotFound,
)
from bot.render.answer import answer_document, candidate_line, recap_document
from bot.render.document import Document, Paragraph, Text
from bot.reports import viewer_line_for
from bot.service import CreditsLookup

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0
"""Seconds to wait for the core before deferring (Discord allows 3 for the first reply)."""
MAX_SUGGESTION_BUTTONS = 5
MAX_SELECT_OPTIONS = 25

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
    answer: Found, mode: Mode, t: Translator = ENGLISH, viewers: str | None = None
) -> Reply:
    """The answer about one film (with its buttons), or its recap; ``viewers`` is what
    viewers report about a film nobody has recorded."""
    if mode is Mode.RECAP:
        return embed_reply(recap_document(answer.film, t))
    doc = answer_document(answer, viewers=viewers, t=t)
    return embed_reply(doc, answer_view(answer.film, t))


def build_reply(
    answer: Answer,
    mode: Mode,
    user_id: int,
    t: Translator = ENGLISH,
    viewers: str | None = None,
) -> Reply:
    """The reply to an answer: public for a film or a choice, ephemeral when not found."""
    if isinstance(answer, Found):
        return film_reply(answer, mode, t, viewers)
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


def answer_view(film: Film, t: Translator = ENGLISH) -> discord.ui.View | None:
    view = discord.ui.View(timeout=None)
    if film.recap:
        view.add_item(RecapButton(film.id, t.gettext("Recap")))
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
    await send(interaction, build_reply(answer, mode, interaction.user.id, t, viewers))


# --- components ----------------------------------------------------------------------------


class _Guarded:
    """Routes a component's failure to the adapter's one error hook."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        try:
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
        reply = film_reply(answer, self.mode, t, await viewer_line_for(service, answer, t))
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
        reply = build_reply(answer, self.mode, interaction.user.id, t, viewers)
        if interaction.user.id == self.user_id and isinstance(answer, Found):
            await replace(interaction, reply)
        else:
            # Somebody else's question: answer them privately, leave the menu in place.
            reply.ephemeral = True
            await send(interaction, reply)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    RecapButton,
    FilmButton,
    PickSelect,
)
