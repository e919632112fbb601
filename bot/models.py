"""Plain values that cross the boundary between the core and the adapters.

Everything here is a frozen dataclass with no behaviour that touches I/O, so adapters
can read it, tests can build it, and nothing platform-specific leaks inward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Verdict(StrEnum):
    """What is known about a film's credits. ``UNKNOWN`` is never "no"."""

    NONE = "none"
    DURING = "during"
    AFTER = "after"
    BOTH = "both"
    UNKNOWN = "unknown"

    @property
    def recorded(self) -> bool:
        """True when somebody has recorded a fact about the credits."""
        return self is not Verdict.UNKNOWN

    @property
    def has_scenes(self) -> bool:
        return self in (Verdict.DURING, Verdict.AFTER, Verdict.BOTH)


class Position(StrEnum):
    DURING = "during"
    AFTER = "after"


SCENE_KINDS = (
    "bonus",
    "sequel-setup",
    "gag",
    "bloopers",
    "audio-only",
    "dedication",
    "stills",
    "title-card",
    "text-card",
    "musical",
    "joke-credits",
    "behind-the-scenes",
)
NOT_A_SCENE = frozenset(
    {
        "dedication",
        "stills",
        "audio-only",
        "title-card",
        "text-card",
        "musical",
        "joke-credits",
        "behind-the-scenes",
    }
)
"""Kinds of extra that are something in the credits but no scene to wait for."""
KIND_WORDS = {
    "bonus": "a bonus scene",
    "sequel-setup": "a sequel set-up",
    "gag": "a gag",
    "bloopers": "bloopers",
    "audio-only": "audio",
    "dedication": "a dedication",
    "stills": "stills",
    "title-card": "a title card",
    "text-card": "a text card",
    "musical": "a musical number",
    "joke-credits": "joke credits",
    "behind-the-scenes": "behind-the-scenes footage",
}
"""How each kind is named in a sentence ("only a title card after the credits")."""


def only_extras(credits: Credits) -> str | None:
    """The one rule for "only extras": ``"a dedication during the credits"`` when nothing
    but such extras is recorded (as described scenes, or as the kinds a listing names),
    else None. The answer's headline and every list of choices use it, so they never
    disagree."""
    if credits.scenes:
        kinds = {s.kind for s in credits.scenes}
        positions = {s.position for s in credits.scenes}
    else:
        kinds = set(credits.extras)
        positions = {
            Verdict.DURING: {Position.DURING},
            Verdict.AFTER: {Position.AFTER},
            Verdict.BOTH: {Position.DURING, Position.AFTER},
        }.get(credits.verdict, set())
    if not kinds or not positions or not kinds <= NOT_A_SCENE:
        return None
    if len(positions) == 2:
        where = "during and after"
    else:
        where = "during" if Position.DURING in positions else "after"
    named = [KIND_WORDS[k] for k in sorted(k for k in kinds if k)]
    what = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    return f"{what} {where} the credits"


@dataclass(frozen=True, slots=True)
class Scene:
    position: Position
    description: str | None = None
    """A spoiler: rendered only inside a spoiler span."""
    kind: str | None = None
    at: str | None = None
    """Roughly when it comes, e.g. "after the first credits block"."""


@dataclass(frozen=True, slots=True)
class WorthStaying:
    """Viewers' votes on whether the wait was worth it (aftercredits.com's poll)."""

    yes: int
    votes: int

    @property
    def percent(self) -> int:
        return round(100 * self.yes / self.votes) if self.votes else 0


@dataclass(frozen=True, slots=True)
class Credits:
    verdict: Verdict = Verdict.UNKNOWN
    scenes: tuple[Scene, ...] = ()
    source: str | None = None
    extras: tuple[str, ...] = ()
    """Kinds of extra a listing names without saying where each comes (``bonus``,
    ``title-card``, ...): used when no scene is described."""
    worth_staying: WorthStaying | None = None
    disputed: str | None = None
    """Why this verdict is kept although a listing says otherwise (a written reason)."""

    @property
    def only_extras(self) -> str | None:
        """See :func:`only_extras`."""
        return only_extras(self)

    @property
    def during(self) -> int:
        return sum(1 for s in self.scenes if s.position is Position.DURING)

    @property
    def after(self) -> int:
        return sum(1 for s in self.scenes if s.position is Position.AFTER)


@dataclass(frozen=True, slots=True)
class Ratings:
    metascore: int | None = None
    """Metacritic critics, 0-100."""
    metacritic_user: float | None = None
    """Metacritic users, 0-10."""
    tomatometer: int | None = None
    """Rotten Tomatoes critics, percent."""
    audience: int | None = None
    """Rotten Tomatoes audience, percent."""

    @property
    def any(self) -> bool:
        return any(
            v is not None
            for v in (self.metascore, self.metacritic_user, self.tomatometer, self.audience)
        )


@dataclass(frozen=True, slots=True)
class Film:
    id: str
    title: str
    year: int
    original_title: str | None = None
    aliases: tuple[str, ...] = ()
    imdb_id: str | None = None
    tmdb_id: int | None = None
    runtime_minutes: int | None = None
    box_office: str | None = None
    languages: tuple[str, ...] = ()
    writers: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    ratings: Ratings = field(default_factory=Ratings)
    popularity: int | None = None
    synopsis: str | None = None
    """Premise only: not a spoiler."""
    recap: str | None = None
    """The plot: a spoiler."""
    credits: Credits = field(default_factory=Credits)
    sources: tuple[tuple[str, str], ...] = ()
    """Where each fact came from: ``(field, source)`` pairs, e.g. ``("box_office",
    "Box Office Mojo")``; the credit facts name theirs in ``credits.source``."""

    @property
    def label(self) -> str:
        """``Title (Year)``, the way choices are shown."""
        return f"{self.title} ({self.year})"


class MatchMethod(StrEnum):
    ID = "id"
    EXACT = "exact"
    ALIAS = "alias"
    FUZZY = "fuzzy"


@dataclass(frozen=True, slots=True)
class Match:
    method: MatchMethod
    score: float
    matched: str
    """The catalog title or alias the query matched."""


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    title: str
    year: int
    score: float
    directors: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})"


@dataclass(frozen=True, slots=True)
class Choice:
    """One autocomplete / inline suggestion."""

    id: str
    title: str
    year: int
    verdict: Verdict
    only_extras: str | None = None
    """What :func:`only_extras` says of the film's credits, when it says anything."""

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})"


@dataclass(frozen=True, slots=True)
class Query:
    """What the user asked, already stripped of the platform's syntax."""

    text: str
    year: int | None = None


@dataclass(frozen=True, slots=True)
class Found:
    query: str
    film: Film
    match: Match
    others: tuple[Candidate, ...] = ()
    """Close runners-up, for "did you mean ..."."""


@dataclass(frozen=True, slots=True)
class Ambiguous:
    query: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class NotFound:
    query: str
    suggestions: tuple[Candidate, ...] = ()
    reason: str | None = None
    """Why nothing was looked up (e.g. the question was empty), for a short reply."""


Answer = Found | Ambiguous | NotFound
