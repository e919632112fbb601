"""Inline keyboards and their ``callback_data``.

``callback_data`` is ``"<action>:<film id>"``: a one-letter action and the catalog's short
ASCII id, so it always fits Telegram's 64-byte limit (a button whose data would not fit is
left out rather than sent).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.i18n import ENGLISH, Translator
from bot.models import Candidate, Film, Found

CALLBACK_DATA_LIMIT = 64
"""Telegram's limit on ``callback_data``, in bytes."""

MAX_CHOICES = 10
"""Candidates or suggestions offered as buttons at most."""

MAX_OTHERS = 3
""""Did you mean" buttons under an answer at most."""


class Action(StrEnum):
    ANSWER = "a"
    """Edit the message into the answer about this film."""
    RECAP = "r"
    """Post the film's recap (in a spoiler) as a new message."""
    PICK_RECAP = "e"
    """Edit the message into the film's recap (a choice made after /recap)."""


def encode(action: Action, film_id: str) -> str | None:
    data = f"{action.value}:{film_id}"
    return data if len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT else None


def decode(data: str | None) -> tuple[Action, str] | None:
    """``(action, film id)``, or ``None`` for data this bot did not make."""
    if not data:
        return None
    head, sep, film_id = data.partition(":")
    if not sep or not film_id:
        return None
    try:
        return Action(head), film_id
    except ValueError:
        return None


def _button(text: str, action: Action, film_id: str) -> InlineKeyboardButton | None:
    data = encode(action, film_id)
    return InlineKeyboardButton(text, callback_data=data) if data else None


def recap_button(film: Film, t: Translator = ENGLISH) -> InlineKeyboardButton | None:
    if not film.recap:
        return None
    return _button(t.gettext("Recap (spoilers)"), Action.RECAP, film.id)


def answer_keyboard(
    answer: Found, *, others: bool = True, t: Translator = ENGLISH
) -> InlineKeyboardMarkup | None:
    """Under an answer: a Recap button, and the close runners-up to switch to."""
    rows: list[list[InlineKeyboardButton]] = []
    recap = recap_button(answer.film, t)
    if recap:
        rows.append([recap])
    if others:
        for candidate in answer.others[:MAX_OTHERS]:
            button = _button(candidate.label, Action.ANSWER, candidate.id)
            if button:
                rows.append([button])
    return InlineKeyboardMarkup(rows) if rows else None


def choices_keyboard(
    candidates: Iterable[Candidate], action: Action
) -> InlineKeyboardMarkup | None:
    """One "Title (Year)" button per row; pressing one edits the message."""
    rows: list[list[InlineKeyboardButton]] = []
    for candidate in candidates:
        button = _button(candidate.label, action, candidate.id)
        if button:
            rows.append([button])
        if len(rows) == MAX_CHOICES:
            break
    return InlineKeyboardMarkup(rows) if rows else None
