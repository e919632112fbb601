"""Plain values that cross the boundary between the core and the adapters.

Everything here is a frozen dataclass with no behaviour that touches I/O, so adapters
can read it, tests can build it, and nothing platform-specific leaks inward.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.i18n import N_


class Verdict(StrEnum):
    """What is known about a film's credits. ``UNKNOWN`` is never "no"."""

    NONE = "none"
    DURING = "during"
    AFTER = "after"
    BOTH = "both"
    SOME = "some"
    """Something during or after the credits, and where is not recorded (a listing that
    names the film without a position): worth staying to the very end."""
    UNKNOWN = "unknown"

    @property
    def recorded(self) -> bool:
        """True when somebody has recorded a fact about the credits."""
        return self is not Verdict.UNKNOWN

    @property
    def allowed_positions(self) -> frozenset[Position]:
        """Where this verdict lets something be: nowhere for ``none``; during or after for
        ``during`` / ``after``; either for ``both``, for ``some`` (where is not recorded)
        and for ``unknown``. How an importer tells a fact that agrees from a contradiction."""
        if self is Verdict.NONE:
            return frozenset()
        if self is Verdict.DURING:
            return frozenset({Position.DURING})
        if self is Verdict.AFTER:
            return frozenset({Position.AFTER})
        return frozenset(Position)

    @property
    def has_scenes(self) -> bool:
        """Something is there (a scene or another extra)."""
        return self in (Verdict.DURING, Verdict.AFTER, Verdict.BOTH, Verdict.SOME)


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
    "bonus": N_("a bonus scene"),
    "sequel-setup": N_("a sequel set-up"),
    "gag": N_("a gag"),
    "bloopers": N_("bloopers"),
    "audio-only": N_("audio"),
    "dedication": N_("a dedication"),
    "stills": N_("stills"),
    "title-card": N_("a title card"),
    "text-card": N_("a text card"),
    "musical": N_("a musical number"),
    "joke-credits": N_("joke credits"),
    "behind-the-scenes": N_("behind-the-scenes footage"),
}
"""How each kind is named in a sentence ("only a title card after the credits"): message
ids, translated where they are shown."""


@dataclass(frozen=True, slots=True)
class OnlyExtras:
    """What a film has in its credits when it has extras but no scene: the kinds, and
    where they come (``during``, ``after``, ``both``, or ``some`` when where is not
    recorded). Language-neutral: the renderer puts it into words."""

    kinds: tuple[str, ...]
    where: str

    @property
    def code(self) -> str:
        """``after:dedication,stills``: how the catalog and a :class:`Choice` carry it."""
        return f"{self.where}:{','.join(self.kinds)}"

    @classmethod
    def parse(cls, code: str | None) -> OnlyExtras | None:
        """The value of :attr:`code`, or None for anything else."""
        where, sep, kinds = (code or "").partition(":")
        names = tuple(k for k in kinds.split(",") if k)
        if not sep or where not in ("during", "after", "both", "some") or not names:
            return None
        if not all(k in NOT_A_SCENE for k in names):
            return None
        return cls(names, where)


def only_extras(credits: Credits) -> OnlyExtras | None:
    """The one rule for "only extras": what extras there are when nothing but such extras
    is recorded (as described scenes, or as the kinds a listing names), else None. The
    answer's headline and every list of choices use it, so they never disagree."""
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
    if not kinds or not kinds <= NOT_A_SCENE:
        return None
    kept = tuple(sorted(k for k in kinds if k))
    if not positions:
        return OnlyExtras(kept, "some") if credits.verdict is Verdict.SOME else None
    where = "during" if Position.DURING in positions else "after"
    return OnlyExtras(kept, "both" if len(positions) == 2 else where)


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
        """See :func:`only_extras`: its :attr:`OnlyExtras.code` (what the catalog stores)."""
        found = only_extras(self)
        return found.code if found else None

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
    """What :func:`only_extras` says of the film's credits (its code), when it says
    anything."""

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
    """Why nothing was answered, for a short reply: one of the core's message ids
    (:mod:`bot.texts`), translated by the renderer."""
    reason_films: tuple[str, ...] = ()
    """For :data:`bot.texts.NOT_THIS_ONE`: the films the catalog has ("Dune (2021)")."""
    reason_missing: str | None = None
    """For :data:`bot.texts.NOT_THIS_ONE`: the film asked for that it does not have."""


Answer = Found | Ambiguous | NotFound
