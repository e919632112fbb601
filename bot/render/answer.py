"""Answer -> Document: what the bot says, independent of any platform's markup, in the
language of the :class:`~bot.i18n.Translator` passed as ``t`` (English by default).

Film data (titles, synopsis, recap, scene descriptions, sources) is shown in the language
it was written in; every word of the bot's own goes through the catalogs as a whole
template."""

from __future__ import annotations

from bot.i18n import ENGLISH, N_, Translator
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
    NotFound,
    OnlyExtras,
    Position,
    Scene,
    Verdict,
    only_extras,
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

UNKNOWN_HEADLINE = N_("Nobody has recorded this one yet")
UNKNOWN_DETAIL = N_(
    "We don't know whether it has a scene during or after the credits, so we can't say it has none."
)


# Only extras that are not scenes, by where they come (:attr:`OnlyExtras.where`): the words
# of a list entry, of the headline and of the advice.
_ONLY_WORDS = {
    "during": N_("only {extras} during the credits, no scene"),
    "after": N_("only {extras} after the credits, no scene"),
    "both": N_("only {extras} during and after the credits, no scene"),
    "some": N_("only {extras} in the credits, no scene"),
}
_ONLY_HEADLINES = {
    "during": N_("Yes — only {extras} during the credits, no scene"),
    "after": N_("Yes — only {extras} after the credits, no scene"),
    "both": N_("Yes — only {extras} during and after the credits, no scene"),
    "some": N_("Yes — only {extras} in the credits, no scene"),
}
_ONLY_ADVICE = {
    "during": N_(
        "There is only {extras} during the credits, no scene to wait for: "
        "stay if you want to see it."
    ),
    "after": N_(
        "There is only {extras} after the credits, no scene to wait for: "
        "stay if you want to see it."
    ),
    "both": N_(
        "There is only {extras} during and after the credits, no scene to wait for: "
        "stay if you want to see it."
    ),
    "some": N_(
        "There is only {extras} in the credits, no scene to wait for: stay if you want to see it."
    ),
}


def _extras_words(extras: OnlyExtras, t: Translator) -> str:
    return t.join([t.gettext(KIND_WORDS[k]) for k in extras.kinds])


def verdict_words(verdict: Verdict, t: Translator = ENGLISH) -> str:
    """A few words for a list entry: never "no" for unknown."""
    match verdict:
        case Verdict.NONE:
            return t.gettext("nothing during or after the credits")
        case Verdict.DURING:
            return t.gettext("scene during the credits")
        case Verdict.AFTER:
            return t.gettext("scene after the credits")
        case Verdict.BOTH:
            return t.gettext("scenes during and after the credits")
        case Verdict.SOME:
            return t.gettext("something during or after the credits")
        case _:
            return t.gettext("not recorded yet")


def choice_words(choice: Choice, t: Translator = ENGLISH) -> str:
    """What a choice in a list (inline mode, autocomplete) says of its credits: the same
    rule as the answer's headline, so an extra is never called a scene."""
    extras = OnlyExtras.parse(choice.only_extras)
    if extras is None:
        return verdict_words(choice.verdict, t)
    return t.gettext(_ONLY_WORDS[extras.where], extras=_extras_words(extras, t))


def _only_extras_headline(extras: OnlyExtras, t: Translator) -> str:
    return t.gettext(_ONLY_HEADLINES[extras.where], extras=_extras_words(extras, t))


def verdict_headline(credits: Credits, t: Translator = ENGLISH) -> str:
    """The first line of every answer: never a spoiler, never "no" for unknown."""
    verdict = credits.verdict
    during, after = credits.during, credits.after
    if verdict is Verdict.UNKNOWN:
        return t.gettext(UNKNOWN_HEADLINE)
    if verdict is Verdict.NONE:
        return t.gettext("No — nothing during or after the credits")
    extras = only_extras(credits)
    if extras is not None:
        return _only_extras_headline(extras, t)
    listed = _listed(credits.extras, t) if not credits.scenes and credits.extras else None
    if verdict is Verdict.SOME:  # a listing names the film without saying where
        if listed:
            return t.gettext("Yes — {extras} during or after the credits", extras=listed)
        return t.gettext("Yes — something during or after the credits")
    if verdict is Verdict.BOTH:
        if during and after:
            return t.ngettext(
                "Yes — {n} scene: {during} during, {after} after the credits",
                "Yes — {n} scenes: {during} during, {after} after the credits",
                during + after,
                during=during,
                after=after,
            )
        if listed:
            return t.gettext("Yes — {extras} during and after the credits", extras=listed)
        if not credits.scenes:
            return t.gettext("Yes — something during and after the credits")
        return t.gettext("Yes — scenes during and after the credits")
    if verdict is Verdict.DURING:
        if listed:  # a listing's word: what is there, or only that something is
            return t.gettext("Yes — {extras} during the credits", extras=listed)
        if not credits.scenes:
            return t.gettext("Yes — something during the credits")
        return t.ngettext(
            "Yes — {n} scene during the credits", "Yes — {n} scenes during the credits", during
        )
    if listed:
        return t.gettext("Yes — {extras} after the credits", extras=listed)
    if not credits.scenes:
        return t.gettext("Yes — something after the credits")
    return t.ngettext(
        "Yes — {n} scene after the credits", "Yes — {n} scenes after the credits", after
    )


def _listed(kinds: tuple[str, ...], t: Translator) -> str:
    """``a bonus scene and a sequel set-up``: the scenes first, then the other extras."""
    ordered = sorted(kinds, key=lambda k: (k in NOT_A_SCENE, SCENE_KINDS.index(k)))
    return t.join([t.gettext(KIND_WORDS[k]) for k in ordered])


def stay_advice(credits: Credits, t: Translator = ENGLISH) -> str:
    """Whether it is worth staying, in words: not a spoiler."""
    extras = only_extras(credits)
    if extras is not None:
        return t.gettext(_ONLY_ADVICE[extras.where], extras=_extras_words(extras, t))
    match credits.verdict:
        case Verdict.NONE:
            return t.gettext("You can leave when the credits start.")
        case Verdict.DURING if not credits.scenes:
            return t.gettext("Stay through the credits for it; nothing is recorded after them.")
        case Verdict.DURING:
            return t.gettext("Stay for the mid-credits scene; nothing comes after the credits.")
        case Verdict.AFTER | Verdict.BOTH:
            return t.gettext("Stay until the very end of the credits.")
        case Verdict.SOME:
            return t.gettext(
                "Where it comes is not recorded: stay until the very end of the credits "
                "so as not to miss it."
            )
        case _:
            return t.gettext(UNKNOWN_DETAIL)


def _position_words(scene: Scene, t: Translator) -> str:
    details = [
        x for x in (t.gettext(KIND_WORDS[scene.kind]) if scene.kind else None, scene.at) if x
    ]
    during = scene.position is Position.DURING
    if not details:
        return t.gettext("During the credits") if during else t.gettext("After the credits")
    joined = ", ".join(details)
    if during:
        return t.gettext("During the credits ({details})", details=joined)
    return t.gettext("After the credits ({details})", details=joined)


def scene_items(
    credits: Credits, t: Translator = ENGLISH, *, descriptions: bool = True
) -> tuple[tuple[Inline, ...], ...]:
    """Each scene where it comes; its description (a spoiler) unless the chat chose to
    leave descriptions out (``/settings``)."""
    items: list[tuple[Inline, ...]] = []
    if credits.extras and not credits.scenes:
        where = {
            Verdict.DURING: t.gettext("During the credits"),
            Verdict.AFTER: t.gettext("After the credits"),
            Verdict.BOTH: t.gettext("During and after the credits"),
        }.get(credits.verdict, t.gettext("In the credits"))
        items.append((Text(where, Style.BOLD), Text(f": {_listed(credits.extras, t)}")))
    for scene in credits.scenes:
        head = Text(_position_words(scene, t), Style.BOLD)
        if scene.description and descriptions:
            items.append((head, Text(": "), Spoiler(scene.description)))
        else:
            items.append((head,))
    return tuple(items)


def _ratings_value(film: Film, t: Translator) -> str | None:
    r = film.ratings
    parts: list[str] = []
    if r.metascore is not None:
        parts.append(t.gettext("Metascore {score}", score=r.metascore))
    if r.metacritic_user is not None:
        users = f"{r.metacritic_user:g}"
        parts.append(t.gettext("Metacritic users {score}/10", score=users))
    if r.tomatometer is not None:
        parts.append(t.gettext("Tomatometer {score}%", score=r.tomatometer))
    if r.audience is not None:
        parts.append(t.gettext("RT audience {score}%", score=r.audience))
    return " · ".join(parts) if parts else None


def film_fields(film: Film, t: Translator = ENGLISH) -> Fields:
    items: list[Field] = [Field(t.gettext("Year"), str(film.year))]
    if film.runtime_minutes:
        minutes = t.ngettext("{n} min", "{n} min", film.runtime_minutes)
        items.append(Field(t.gettext("Runtime"), minutes))
    if film.directors:
        label = t.ngettext("Director", "Directors", len(film.directors))
        items.append(Field(label, ", ".join(film.directors)))
    if film.writers:
        items.append(Field(t.gettext("By"), ", ".join(film.writers)))
    if film.languages:
        label = t.ngettext("Language", "Languages", len(film.languages))
        items.append(Field(label, ", ".join(film.languages)))
    if film.box_office:
        items.append(Field(t.gettext("Box office"), film.box_office))
    ratings = _ratings_value(film, t)
    if ratings:
        items.append(Field(t.gettext("Ratings"), ratings, inline=False))
    if film.original_title and film.original_title != film.title:
        items.append(Field(t.gettext("Original title"), film.original_title, inline=False))
    return Fields(tuple(items))


def _recap_paragraphs(film: Film) -> list[str]:
    return [p.strip() for p in (film.recap or "").split("\n") if p.strip()]


def recap_blocks(film: Film, t: Translator = ENGLISH) -> tuple[Block, ...]:
    if not film.recap:
        return (Paragraph((Text(t.gettext("Nobody has written a recap of this film yet.")),)),)
    return tuple(Paragraph((Spoiler(p),)) for p in _recap_paragraphs(film))


def film_document(
    film: Film,
    *,
    note: str | None = None,
    include_recap: bool = False,
    viewers: str | None = None,
    scenes: bool = True,
    t: Translator = ENGLISH,
) -> Document:
    """The answer about one film, reading like the seed page: verdict first.

    ``viewers`` is what viewers report about a film nobody has recorded
    (:meth:`bot.reports.Reports.viewer_line`): shown apart, in italics, after the advice.
    ``scenes=False``: the chat's setting leaves scene descriptions out (each scene is still
    said, with where it comes); a line says so.
    """
    credits = film.credits
    blocks: list[Block] = []
    if note:
        blocks.append(Paragraph((Text(note, Style.ITALIC),)))
    blocks.append(Paragraph((Text(stay_advice(credits, t)),)))
    if viewers:
        blocks.append(Paragraph((Text(viewers, Style.ITALIC),)))
    blocks.append(film_fields(film, t))
    if film.synopsis:
        blocks.append(Paragraph((Text(film.synopsis),)))
    items = scene_items(credits, t, descriptions=scenes)
    if items:
        blocks.append(Section(t.gettext("Scenes"), items))
        if not scenes and any(s.description for s in credits.scenes):
            hidden = t.gettext("Scene descriptions are left out in this chat (/settings).")
            blocks.append(Paragraph((Text(hidden, Style.ITALIC),)))
    worth = credits.worth_staying
    if worth is not None:
        value = t.ngettext(
            "{percent}% of {n} viewer say yes",
            "{percent}% of {n} viewers say yes",
            worth.votes,
            percent=worth.percent,
        )
        blocks.append(Fields((Field(t.gettext("Worth staying?"), value, inline=False),)))
    if credits.source:
        blocks.append(Fields((Field(t.gettext("Source"), credits.source, inline=False),)))
    if include_recap and film.recap:
        blocks.append(
            Section(t.gettext("Recap"), tuple((Spoiler(p),) for p in _recap_paragraphs(film)))
        )
    return Document(
        title=film.label,
        headline=verdict_headline(credits, t),
        blocks=tuple(blocks),
        verdict=credits.verdict,
        language=t.language,
    )


def recap_document(film: Film, t: Translator = ENGLISH) -> Document:
    """The plot recap: every word of it a spoiler."""
    return Document(
        title=t.gettext("Recap: {film}", film=film.label),
        headline=(
            t.gettext("What happens in {title}", title=film.title)
            if film.recap
            else t.gettext("No recap yet")
        ),
        blocks=recap_blocks(film, t),
        verdict=film.credits.verdict,
        language=t.language,
    )


def match_note(answer: Found, t: Translator = ENGLISH) -> str | None:
    """Say how a loose match was made, so a wrong guess is easy to spot."""
    others = ", ".join(c.label for c in answer.others[:3])
    if answer.match.method is MatchMethod.FUZZY:
        if others:
            return t.gettext(
                "Closest match for “{query}”. Also: {others}.", query=answer.query, others=others
            )
        return t.gettext("Closest match for “{query}”.", query=answer.query)
    if others:
        return t.gettext("Did you mean another one? {others}.", others=others)
    return None


def candidate_line(candidate: Candidate) -> str:
    if candidate.directors:
        return f"{candidate.label} — {', '.join(candidate.directors)}"
    return candidate.label


def _not_found_headline(answer: NotFound, t: Translator) -> str:
    """Why nothing was answered: a reason is one of the core's message ids (bot.texts),
    filled with the films the catalog has; else "couldn't find"."""
    if answer.reason is None:
        return t.gettext("I couldn't find a film called “{query}”.", query=answer.query)
    if answer.reason_films:
        return t.gettext(
            answer.reason,
            has=t.join(list(answer.reason_films)),
            missing=answer.reason_missing or answer.query,
        )
    return t.gettext(answer.reason)


def answer_document(
    answer: Answer,
    *,
    include_recap: bool = False,
    viewers: str | None = None,
    scenes: bool = True,
    t: Translator = ENGLISH,
) -> Document:
    if isinstance(answer, Found):
        return film_document(
            answer.film,
            note=match_note(answer, t),
            include_recap=include_recap,
            viewers=viewers,
            scenes=scenes,
            t=t,
        )
    if isinstance(answer, Ambiguous):
        items = tuple((Text(candidate_line(c)),) for c in answer.candidates)
        return Document(
            title=t.gettext("Which film?"),
            headline=t.gettext(
                "Several films match “{query}”. Which one do you mean?", query=answer.query
            ),
            blocks=(Section(t.gettext("Candidates"), items),),
            language=t.language,
        )
    blocks: tuple[Block, ...] = ()
    if answer.suggestions:
        items = tuple((Text(c.label),) for c in answer.suggestions)
        blocks = (Section(t.gettext("Did you mean"), items),)
    return Document(
        title=t.gettext("Not found"),
        headline=_not_found_headline(answer, t),
        blocks=blocks,
        language=t.language,
    )
