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
from bot.models import Candidate, Film, Found, Verdict
from bot.reports import claim_label, report_claims
from bot.state.base import Claim

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
    WRONG = "w"
    """"Wrong?" / "I watched it": ask what the viewer saw."""


REPORT_PREFIX = "x"
"""``callback_data`` of a report's choice: ``x<claim letter>:<film id>``."""
CLAIM_CODES: dict[Claim, str] = {
    Claim.WRONG_FILM: "f",
    Claim.NONE: "n",
    Claim.DURING: "d",
    Claim.AFTER: "a",
    Claim.BOTH: "b",
    Claim.OTHER: "o",
}
_CLAIMS_BY_CODE = {code: claim for claim, code in CLAIM_CODES.items()}


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


def encode_claim(claim: Claim, film_id: str) -> str | None:
    data = f"{REPORT_PREFIX}{CLAIM_CODES[claim]}:{film_id}"
    return data if len(data.encode("utf-8")) <= CALLBACK_DATA_LIMIT else None


def decode_claim(data: str | None) -> tuple[Claim, str] | None:
    """``(claim, film id)`` of a report's button, or ``None`` for any other data."""
    if not data or not data.startswith(REPORT_PREFIX):
        return None
    head, sep, film_id = data.partition(":")
    claim = _CLAIMS_BY_CODE.get(head[len(REPORT_PREFIX) :])
    if not sep or not film_id or claim is None:
        return None
    return claim, film_id


def report_button(film: Film, t: Translator = ENGLISH) -> InlineKeyboardButton | None:
    """ "Wrong?" under an answer, or "I watched it" for a film nobody has recorded."""
    if film.credits.verdict is Verdict.UNKNOWN:
        return _button(t.gettext("I watched it"), Action.WRONG, film.id)
    return _button(t.gettext("Wrong?"), Action.WRONG, film.id)


def claims_keyboard(film: Film, t: Translator = ENGLISH) -> InlineKeyboardMarkup | None:
    """The choices of a report, two to a row."""
    buttons = [
        InlineKeyboardButton(claim_label(claim, t), callback_data=data)
        for claim in report_claims(film)
        if (data := encode_claim(claim, film.id)) is not None
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup(rows) if rows else None


def _button(text: str, action: Action, film_id: str) -> InlineKeyboardButton | None:
    data = encode(action, film_id)
    return InlineKeyboardButton(text, callback_data=data) if data else None


def recap_button(film: Film, t: Translator = ENGLISH) -> InlineKeyboardButton | None:
    if not film.recap:
        return None
    return _button(t.gettext("Recap (spoilers)"), Action.RECAP, film.id)


def answer_keyboard(
    answer: Found, *, others: bool = True, report: bool = False, t: Translator = ENGLISH
) -> InlineKeyboardMarkup | None:
    """Under an answer: a Recap button, with ``report`` a "Wrong?" (or "I watched it")
    button, and the close runners-up to switch to."""
    rows: list[list[InlineKeyboardButton]] = []
    first = [recap_button(answer.film, t), report_button(answer.film, t) if report else None]
    if any(first):
        rows.append([b for b in first if b is not None])
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
