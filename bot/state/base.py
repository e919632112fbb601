"""The state store's values and its interface, shared by both backends."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, Self

from bot.textsafe import drop_controls

MAX_NOTE = 300
"""Characters of a report's note that are kept."""
SCHEMA_VERSION = 2


class Claim(StrEnum):
    """What a viewer says about a film's credits."""

    WRONG_FILM = "wrong-film"
    NONE = "none"
    DURING = "during"
    AFTER = "after"
    BOTH = "both"
    OTHER = "other"

    @property
    def is_verdict(self) -> bool:
        return self in (Claim.NONE, Claim.DURING, Claim.AFTER, Claim.BOTH)


class Status(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    film_id: str
    person: str
    """A salted hash of platform and user id: never the id itself."""
    platform: str
    claim: Claim
    note: str | None
    status: Status
    created: float
    """Seconds since the epoch."""


@dataclass(frozen=True, slots=True)
class Tally:
    """Pending reports about one film's credits, one per person."""

    film_id: str
    counts: dict[Claim, int]

    @property
    def people(self) -> int:
        return sum(self.counts.values())

    def agreed(self, minimum: int = 3) -> Claim | None:
        """The claim at least ``minimum`` different people make, when nobody disagrees."""
        verdicts = {c: n for c, n in self.counts.items() if c.is_verdict and n}
        if len(verdicts) == 1:
            ((claim, n),) = verdicts.items()
            if n >= minimum:
                return claim
        return None


@dataclass(frozen=True, slots=True)
class ChatSettings:
    chat: str
    """``platform:chat id``."""
    public_replies: bool = True
    """Discord: replies visible to everyone (else only to the asker)."""
    hide_scenes: bool = False
    """Scene descriptions left out of answers here (only where each scene is said). When
    shown, they are always inside the platform's spoiler markup, in every kind of chat."""
    language: str | None = None


def person_key(salt: str, platform: str, user_id: int | str) -> str:
    """The stored form of a person: sha256 of a secret salt, the platform and the id."""
    return hashlib.sha256(f"{salt}\0{platform}\0{user_id}".encode()).hexdigest()


def clean_note(note: str | None) -> str | None:
    """A note as stored: control characters dropped, whitespace folded, capped."""
    if note is None:
        return None
    text = " ".join(drop_controls(note).split())[:MAX_NOTE].strip()
    return text or None


class StateStore(Protocol):
    """What the bot stores about what users cause. Both backends pass the same tests."""

    async def add_report(
        self, film_id: str, person: str, platform: str, claim: Claim, note: str | None
    ) -> Report:
        """Record a report; a person's new report about a film replaces their old one."""
        ...

    async def report(self, report_id: int) -> Report | None: ...

    async def reports(self, status: Status | None = None, limit: int = 100) -> list[Report]:
        """Newest first."""
        ...

    async def set_status(self, report_id: int, status: Status) -> Report | None: ...

    async def tally(self, film_id: str) -> Tally:
        """Pending reports about the film, counted by claim."""
        ...

    async def recent_reports(self, person: str, since: float) -> int:
        """How many reports the person made since a time (for the per-person limit)."""
        ...

    async def forget(self, person: str) -> int:
        """Delete everything stored about a person; returns how many reports went."""
        ...

    async def chat_settings(self, chat: str) -> ChatSettings: ...

    async def save_chat_settings(self, settings: ChatSettings) -> None: ...

    async def salt(self) -> str:
        """The secret salt of :func:`person_key`, made once and kept in the store."""
        ...

    async def close(self) -> None: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(self, *exc: object) -> None: ...
