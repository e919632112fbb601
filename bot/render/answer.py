"""Answer -> Document: what the bot says, independent of any platform's markup."""

from __future__ import annotations

from bot.models import (
    KIND_WORDS,
    NOT_A_SCENE,
    SCENE_KINDS,
    Ambiguous,
    Answer,
    Candidate,
    Choice,
    Credits,
    Film,
    Found,
    MatchMethod,
    Position,
    Scene,
    Verdict,
)
from bot.render.document import (
    Block,
    Document,
    Field,
    Fields,
    Inline,
    Paragraph,
    Section,
    Spoiler,
    Style,
    Text,
)

_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")

UNKNOWN_HEADLINE = "Nobody has recorded this one yet"
UNKNOWN_DETAIL = (
    "We don't know whether it has a scene during or after the credits, so we can't say it has none."
)


def _count(n: int) -> str:
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def _scenes_word(n: int) -> str:
    return "scene" if n == 1 else "scenes"


def verdict_words(verdict: Verdict) -> str:
    """A few words for a list entry: never "no" for unknown."""
    match verdict:
        case Verdict.NONE:
            return "nothing during or after the credits"
        case Verdict.DURING:
            return "scene during the credits"
        case Verdict.AFTER:
            return "scene after the credits"
        case Verdict.BOTH:
            return "scenes during and after the credits"
        case _:
            return "not recorded yet"


def choice_words(choice: Choice) -> str:
    """What a choice in a list (inline mode, autocomplete) says of its credits: the same
    rule as the answer's headline, so an extra is never called a scene."""
    if choice.only_extras:
        return f"only {choice.only_extras}, no scene"
    return verdict_words(choice.verdict)


def verdict_headline(credits: Credits) -> str:
    """The first line of every answer: never a spoiler, never "no" for unknown."""
    verdict = credits.verdict
    during, after = credits.during, credits.after
    if verdict is Verdict.UNKNOWN:
        return UNKNOWN_HEADLINE
    if verdict is Verdict.NONE:
        return "No — nothing during or after the credits"
    total = during + after
    if credits.only_extras:
        return f"Yes — only {credits.only_extras}, no scene"
    if verdict is Verdict.BOTH:
        if during and after:
            parts = f"{_count(during)} during, {_count(after)} after the credits"
            return f"Yes — {total} {_scenes_word(total)}: {parts}"
        if not credits.scenes and credits.extras:
            return f"Yes — {_listed(credits.extras)} during and after the credits"
        if not credits.scenes:
            return "Yes — something during and after the credits"
        return "Yes — scenes during and after the credits"
    where = "during" if verdict is Verdict.DURING else "after"
    if not credits.scenes:  # a listing's word: what is there, or only that something is
        what = _listed(credits.extras) if credits.extras else "something"
        return f"Yes — {what} {where} the credits"
    n = during if verdict is Verdict.DURING else after
    return f"Yes — {n} {_scenes_word(n)} {where} the credits"


def _listed(kinds: tuple[str, ...]) -> str:
    """``a bonus scene and a sequel set-up``: the scenes first, then the other extras."""
    ordered = sorted(kinds, key=lambda k: (k in NOT_A_SCENE, SCENE_KINDS.index(k)))
    named = [KIND_WORDS[k] for k in ordered]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


def stay_advice(credits: Credits) -> str:
    """Whether it is worth staying, in words: not a spoiler."""
    if credits.only_extras:
        return (
            f"There is only {credits.only_extras}, no scene to wait for: "
            "stay if you want to see it."
        )
    match credits.verdict:
        case Verdict.NONE:
            return "You can leave when the credits start."
        case Verdict.DURING if not credits.scenes:
            return "Stay through the credits for it; nothing is recorded after them."
        case Verdict.DURING:
            return "Stay for the mid-credits scene; nothing comes after the credits."
        case Verdict.AFTER | Verdict.BOTH:
            return "Stay until the very end of the credits."
        case _:
            return UNKNOWN_DETAIL


def _position_words(scene: Scene) -> str:
    where = "During the credits" if scene.position is Position.DURING else "After the credits"
    extras = [x for x in (scene.kind.replace("-", " ") if scene.kind else None, scene.at) if x]
    return f"{where} ({', '.join(extras)})" if extras else where


def scene_items(credits: Credits) -> tuple[tuple[Inline, ...], ...]:
    items: list[tuple[Inline, ...]] = []
    if credits.extras and not credits.scenes:
        where = {
            Verdict.DURING: "During the credits",
            Verdict.AFTER: "After the credits",
            Verdict.BOTH: "During and after the credits",
        }.get(credits.verdict, "In the credits")
        items.append((Text(where, Style.BOLD), Text(f": {_listed(credits.extras)}")))
    for scene in credits.scenes:
        head = Text(_position_words(scene), Style.BOLD)
        if scene.description:
            items.append((head, Text(": "), Spoiler(scene.description)))
        else:
            items.append((head,))
    return tuple(items)


def _ratings_value(film: Film) -> str | None:
    r = film.ratings
    parts: list[str] = []
    if r.metascore is not None:
        parts.append(f"Metascore {r.metascore}")
    if r.metacritic_user is not None:
        parts.append(f"Metacritic users {r.metacritic_user:g}/10")
    if r.tomatometer is not None:
        parts.append(f"Tomatometer {r.tomatometer}%")
    if r.audience is not None:
        parts.append(f"RT audience {r.audience}%")
    return " · ".join(parts) if parts else None


def film_fields(film: Film) -> Fields:
    items: list[Field] = [Field("Year", str(film.year))]
    if film.runtime_minutes:
        items.append(Field("Runtime", f"{film.runtime_minutes} min"))
    if film.directors:
        label = "Director" if len(film.directors) == 1 else "Directors"
        items.append(Field(label, ", ".join(film.directors)))
    if film.writers:
        items.append(Field("By", ", ".join(film.writers)))
    if film.languages:
        items.append(Field("Language", ", ".join(film.languages)))
    if film.box_office:
        items.append(Field("Box office", film.box_office))
    ratings = _ratings_value(film)
    if ratings:
        items.append(Field("Ratings", ratings, inline=False))
    if film.original_title and film.original_title != film.title:
        items.append(Field("Original title", film.original_title, inline=False))
    return Fields(tuple(items))


def _recap_paragraphs(film: Film) -> list[str]:
    return [p.strip() for p in (film.recap or "").split("\n") if p.strip()]


def recap_blocks(film: Film) -> tuple[Block, ...]:
    if not film.recap:
        return (Paragraph((Text("Nobody has written a recap of this film yet."),)),)
    return tuple(Paragraph((Spoiler(p),)) for p in _recap_paragraphs(film))


def film_document(
    film: Film,
    *,
    note: str | None = None,
    include_recap: bool = False,
) -> Document:
    """The answer about one film, reading like the seed page: verdict first."""
    credits = film.credits
    blocks: list[Block] = []
    if note:
        blocks.append(Paragraph((Text(note, Style.ITALIC),)))
    blocks.append(Paragraph((Text(stay_advice(credits)),)))
    blocks.append(film_fields(film))
    if film.synopsis:
        blocks.append(Paragraph((Text(film.synopsis),)))
    items = scene_items(credits)
    if items:
        blocks.append(Section("Scenes", items))
    worth = credits.worth_staying
    if worth is not None:
        voters = "viewer" if worth.votes == 1 else "viewers"
        value = f"{worth.percent}% of {worth.votes} {voters} say yes"
        blocks.append(Fields((Field("Worth staying?", value, inline=False),)))
    if credits.source:
        blocks.append(Fields((Field("Source", credits.source, inline=False),)))
    if include_recap and film.recap:
        blocks.append(Section("Recap", tuple((Spoiler(p),) for p in _recap_paragraphs(film))))
    return Document(
        title=film.label,
        headline=verdict_headline(credits),
        blocks=tuple(blocks),
        verdict=credits.verdict,
    )


def recap_document(film: Film) -> Document:
    """The plot recap: every word of it a spoiler."""
    return Document(
        title=f"Recap: {film.label}",
        headline=f"What happens in {film.title}" if film.recap else "No recap yet",
        blocks=recap_blocks(film),
        verdict=film.credits.verdict,
    )


def match_note(answer: Found) -> str | None:
    """Say how a loose match was made, so a wrong guess is easy to spot."""
    others = ", ".join(c.label for c in answer.others[:3])
    if answer.match.method is MatchMethod.FUZZY:
        note = f"Closest match for “{answer.query}”."
        return f"{note} Also: {others}." if others else note
    if others:
        return f"Did you mean another one? {others}."
    return None


def candidate_line(candidate: Candidate) -> str:
    if candidate.directors:
        return f"{candidate.label} — {', '.join(candidate.directors)}"
    return candidate.label


def answer_document(answer: Answer, *, include_recap: bool = False) -> Document:
    if isinstance(answer, Found):
        return film_document(answer.film, note=match_note(answer), include_recap=include_recap)
    if isinstance(answer, Ambiguous):
        items = tuple((Text(candidate_line(c)),) for c in answer.candidates)
        return Document(
            title="Which film?",
            headline=f"Several films match “{answer.query}”. Which one do you mean?",
            blocks=(Section("Candidates", items),),
        )
    blocks: tuple[Block, ...] = ()
    if answer.suggestions:
        items = tuple((Text(c.label),) for c in answer.suggestions)
        blocks = (Section("Did you mean", items),)
    return Document(
        title="Not found",
        headline=answer.reason or f"I couldn't find a film called “{answer.query}”.",
        blocks=blocks,
    )
