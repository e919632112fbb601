"""Title resolution: what the user typed -> one film, a choice, or nothing.

1. Exact lookup of the compact normalised key over titles, original titles and aliases,
   a sequel's numbered main title among them ("hotel transylvania 3", named at build
   time where the series' first film is held: ``bot.store.build``). The whole text
   first, so "Blade Runner 2049" and "2012" stay titles; then with a trailing year split
   off, or a trailing "1" dropped: "iron man 1".
2. Otherwise candidates from the FTS5 indexes: first the names holding every intact word
   of the query (FTS5 intersects the word posting lists); if none scores 90, the query's
   most selective trigrams (document frequencies come from ``trigram_df``) within a
   posting budget, counted per name inside SQLite, best 150 kept. Never a scan of the
   catalog.
3. rapidfuzz re-ranks that bounded set. Scores of 90 and above are answers; 75-90 are
   "did you mean" suggestions; below that the query is nonsense, and gets no random film.
4. A year (±1) filters; popularity breaks near-ties; films with the same title and no
   clear favourite are a choice for the user.
5. Never a confident wrong film: a candidate is held back to a "did you mean" (never an
   answer) when its numbers disagree with the query's ("X 3" is not "X" or "X 2"; nor is
   it another series' third film when the catalog has X itself), when
   its year is more than one away from the year asked (then the reason says which years
   the catalog has), or when it does not hold every content word of the query (so word
   overlap, or digits alone, are no answer) or holds far more than the query typed.
6. Only when nothing else matched, a short all-letter query (plus an optional number) is
   looked up as an acronym ("tdkr", "nwh", "gotg 3"), with the same number rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.models import Candidate, Match, MatchMethod
from bot.normalize import (
    ACRONYM_MAX,
    ACRONYM_MIN,
    compact,
    normalize,
    spelt,
    trigrams,
    without_articles,
)
from bot.store.reader import CatalogReader, FilmRow, NameRow
from bot.store.schema import KIND_TITLE
from bot.texts import NOT_THIS_ONE

ACCEPT = 90.0
SUGGEST = 75.0
NEAR_TIE = 2.0
POSTING_BUDGET = 20_000
MAX_TERMS = 14
MAX_WORDS = 4
WORD_LIMIT = 150
CANDIDATES = 150
DOMINANT = 10
"""A same-titled film this many times more popular than the rest is the one meant."""
FUZZY_DOMINANT = 3
HELD = ACCEPT - 1.0
"""The highest score of a candidate held back by a rule: at best a "did you mean"."""
LONE = 88.0
"""A fuzzy candidate above this (but under :data:`ACCEPT`) is still the answer when it
is alone: nothing else that may be the answer within :data:`LONE_GAP` of it (two typos in
a short title: "secret kkng vallvy" is Secret King Valley)."""
LONE_GAP = 3.0
ACRONYM_SCAN = 50
UNNUMBERED_FIRST = 2.5
"""A fuzzy name with a sequel number loses this much when the query has none (> NEAR_TIE)."""
WORD_MATCH = 70.0
"""A query word is held by a name when a word of the name (or two joined) is this close."""
PARTIAL_SHARE = 0.5
"""A partial title must be at least this share of the name it is scored against."""
PREFILTER = 60.0
"""Fuzzy candidates whose quick C-level scores all fall below this are not scored in full
(they could never reach a suggestion); the rest, at most :data:`PREFILTER_KEEP`, are."""
PREFILTER_KEEP = 60

STOPWORDS = frozenset(
    {"the", "a", "an", "of", "and", "in", "on", "to", "for", "at", "with", "from", "by"}
)
"""Words that carry no title of their own: never required, never searched for."""

HELD_NUMBER, HELD_YEAR, HELD_WORDS = "number", "year", "words"

_ACRONYM = re.compile(rf"(?P<letters>[a-z]{{{ACRONYM_MIN},{ACRONYM_MAX}}}) ?(?P<number>\d{{1,2}})?")

_TRAILING_YEAR = re.compile(r"^(?P<title>.*?\S)[\s,]*[(\[]?(?P<year>(18[89]|19\d|20\d)\d)[)\]]?$")


@dataclass(frozen=True, slots=True)
class Scored:
    row: FilmRow
    score: float
    name: str
    kind: int
    norm: str = ""
    """The normalised form of ``name``."""
    held: str = ""
    """Why this candidate may not be the answer (``HELD_*``), or empty."""

    def candidate(self) -> Candidate:
        directors = tuple(d for d in self.row.directors.split(", ") if d)
        return Candidate(
            id=self.row.id,
            title=self.row.title,
            year=self.row.year,
            score=round(self.score, 1),
            directors=directors,
        )


@dataclass(frozen=True, slots=True)
class Resolution:
    """The resolver's outcome; the service turns it into an :class:`~bot.models.Answer`."""

    best: Scored | None = None
    match: Match | None = None
    others: tuple[Scored, ...] = ()
    candidates: tuple[Scored, ...] = ()
    """Set when the answer is a choice (ambiguous)."""
    suggestions: tuple[Scored, ...] = ()
    """Set when nothing was found but something came close."""
    reason: str | None = None
    reason_films: tuple[str, ...] = ()
    reason_missing: str | None = None
    """Why the close films are not the answer ("the catalog has X (2019), not X (1994)")."""


def split_year(text: str) -> tuple[str, int] | None:
    """``"dune 2021"`` -> ``("dune", 2021)``; ``"1917"`` alone is not split."""
    m = _TRAILING_YEAR.match(text.strip())
    if not m:
        return None
    title = m.group("title").strip(" ,-(")
    if not normalize(title):
        return None
    return title, int(m.group("year"))


def score(query: str, name: str) -> float:
    """How well a catalog name matches the query, 0-100 (both normalised).

    Close lengths: edit-distance ratio, or the same with the words sorted (an answer only
    when the words are the same ones, in another order; else a suggestion). A query much
    shorter than the name may be a partial title ("pirates of the caribbean black pearl"):
    then the words it shares with the name count, at most 95, so a full match still wins.
    Never rapidfuzz's ``WRatio`` partial scores: they give 85-90 to any long title that
    shares one common word with the query, and a short catalog title inside a long query
    ("The Road" in "kings of the road") would win.
    """
    if query == name:
        return 100.0
    if compact(query) == compact(name):
        return 99.0
    bare_query, bare_name = without_articles(query), without_articles(name)
    if bare_query and compact(bare_query) == compact(bare_name):
        return 98.0  # "thor the dark world" = "Thor: The Dark World"
    close = fuzz.ratio(query, name)
    reordered = fuzz.token_sort_ratio(query, name)
    if reordered > close and sorted(query.split()) != sorted(name.split()):
        # Other words in another order ("desert midnight" for "Midnight Deserts", "deadly
        # gaem school" for "Deadly School Game" beside "Deadly Game School"): at most a
        # "did you mean", never an answer.
        reordered = min(reordered, LONE)
    close = max(close, reordered)
    if bare_query != query or bare_name != name:
        close = max(close, fuzz.ratio(bare_query, bare_name) - 1.0)
    # A word said twice counts once: "friend friend 2" is not half of a six-word title.
    unique = " ".join(dict.fromkeys(query.split()))
    if (
        len(unique) < 6
        or len(name) < 1.3 * len(unique)
        or len(unique) < PARTIAL_SHARE * len(name)
        or len(set(bare_query.split())) < 2  # one word of a longer title: "odyssey", "falcon"
    ):
        return close
    return max(close, 0.95 * fuzz.token_set_ratio(query, name))


def numbers(key: str) -> tuple[str, ...]:
    """The numbers of a normalised key, in order, as sequel numbers: "1" is the first
    film, which has none ("Iron Man 1" = "Iron Man"); "Coming 2 America 2" has two."""
    found = (w.lstrip("0") for w in key.split() if w.isdigit())
    return tuple(sorted(n for n in found if n not in ("", "1")))


def _without_numbers(key: str) -> str:
    return " ".join(w for w in key.split() if not w.isdigit())


def content_words(key: str) -> list[str]:
    """The words of a query that a name must hold: not numbers, not stop words, and (in
    Latin letters) not the short words that a typo makes unrecognisable ("fyr", "asm")."""
    return [
        w
        for w in dict.fromkeys(key.split())
        if not w.isdigit() and w not in STOPWORDS and (len(w) >= 4 or not w.isascii())
    ]


def holds_words(words: list[str], name: str) -> bool:
    """Whether the name holds every one of ``words``, each exactly, inside a joined form
    ("spiderman" in "spider man") or within a typo or two of one of its words."""
    name_words = name.split()
    joined = compact(name)
    pairs = [a + b for a, b in pairwise(name_words)]
    for w in words:
        if w in name_words or (len(w) >= 4 and w in joined):
            continue
        if process.extractOne(w, name_words + pairs, scorer=fuzz.ratio, score_cutoff=WORD_MATCH):
            continue
        return False
    return True


class Resolver:
    def __init__(self, reader: CatalogReader) -> None:
        self._reader = reader

    async def resolve(
        self, text: str, year: int | None = None, *, budget: int = POSTING_BUDGET
    ) -> Resolution:
        key = normalize(text)
        if not key:
            return Resolution()
        typed = " ".join(text.split())
        whole = await self._exact(key, year, typed)
        if whole is not None:
            return whole
        split = split_year(text) if year is None else None
        if split is not None:
            title, split_year_value = split
            found = await self._exact(normalize(title), split_year_value, typed)
            if found is not None:
                return found
        if key.endswith(" 1") and any(c.isalpha() for c in key[:-2]):
            # "iron man 1" is Iron Man; "2012 one" is not 2012 (never digits alone)
            found = await self._exact(key[:-2], year, typed)
            if found is not None:
                return found
        scored = await self._fuzzy(key, year, budget)
        if split is not None:
            title, split_year_value = split
            with_year = await self._fuzzy(normalize(title), split_year_value, budget)
            if _at_least_as_good(with_year, scored):
                scored = with_year
                year = split_year_value
        resolution = self._decide(scored, year, exact=False, typed=typed)
        resolution = await self._series_kept(key, resolution, year, typed)
        if resolution.best is None and not resolution.candidates:
            acronym = await self._acronym(key)
            if acronym is not None:
                return acronym
        return resolution

    async def exact_only(self, text: str, year: int | None = None) -> Resolution | None:
        """The films named exactly ``text`` (a title, original title or alias, after
        normalising), or ``None``: no fuzzy search, no acronyms."""
        key = normalize(text)
        found = await self._exact(key, year, " ".join(text.split()))
        if found is None or (found.best is None and not found.candidates):
            return None
        return found

    async def _series_kept(
        self, key: str, resolution: Resolution, year: int | None, typed: str
    ) -> Resolution:
        """ "X 2" when the catalog has X but not its sequel: another series' second film,
        found by a loose match ("jack and the bitter prison 2" for "jackson and the bitter
        prison 2"), is no answer; the reason names X."""
        best, bare = resolution.best, _without_numbers(key)
        if best is None or not bare or not numbers(key):
            return resolution
        base = [r for r in await self._reader.exact(compact(bare)) if r.film.rid != best.row.rid]
        if not base or compact(_without_numbers(best.norm)) == compact(bare):
            return resolution
        named = [Scored(r.film, ACCEPT, r.name, r.kind, r.norm, HELD_NUMBER) for r in base]
        return _not_found([*named, replace(best, held=HELD_WORDS)], year, typed)

    async def _exact(self, key: str, year: int | None, typed: str) -> Resolution | None:
        if not key:
            return None
        rows = await self._reader.exact(compact(key))
        if not rows:
            return None
        scored = _hold_years(self._score_rows(key, rows), year)
        if year is not None:
            exact_year = [s for s in scored if s.row.year == year and not s.held]
            if len(exact_year) == 1:
                scored = exact_year
        return self._decide(_literal_first(scored, typed), year, exact=True, typed=typed)

    @staticmethod
    def _score_rows(key: str, rows: list[NameRow], *, prefilter: bool = False) -> list[Scored]:
        if prefilter and len(rows) > PREFILTER_KEEP // 2:
            rows = _prefiltered(key, rows)
        best: dict[int, Scored] = {}
        for r in rows:
            s = score(key, r.norm)
            current = best.get(r.film.rid)
            # Prefer a title over an alias when both score the same.
            if current is None or (s, -r.kind) > (current.score, -current.kind):
                best[r.film.rid] = Scored(r.film, s, r.name, r.kind, r.norm)
        return sorted(best.values(), key=_rank)

    async def _fuzzy(self, key: str, year: int | None, budget: int) -> list[Scored]:
        words = [w for w in dict.fromkeys(key.split()) if len(w) >= 2 and w not in STOPWORDS]
        # Trigrams of digits alone ("200", " 3 ") never find a title (numbers are checked
        # apart, and digits alone are no match): they would only spend the posting budget.
        grams = [g for g in trigrams(key) if any(c.isalpha() for c in g)]
        word_df, gram_df = await self._reader.document_frequencies(words, grams)
        scored: list[Scored] = []
        # Whole words first: names holding every intact word of the query (FTS5 intersects
        # the posting lists, cheaply). Typos in every word, or one-word titles, fall
        # through to trigrams, counted per name within a posting budget.
        present = sorted((n, w) for w, n in word_df.items() if n > 0)
        if present:
            rows = await self._reader.all_words([w for _, w in present[:MAX_WORDS]], WORD_LIMIT)
            scored = self._hold(key, self._score_rows(key, rows, prefilter=True))
        if not scored or scored[0].held or scored[0].score < ACCEPT:
            gram_terms = _select(gram_df, budget)
            rows = await self._reader.trigram_candidates(gram_terms, CANDIDATES)
            scored = _merge(scored, self._hold(key, self._score_rows(key, rows, prefilter=True)))
        return _hold_years(scored, year)

    @staticmethod
    def _hold(key: str, scored: list[Scored]) -> list[Scored]:
        """Hold back the candidates whose numbers or words disagree with the query.

        A film held for its number is scored without the numbers ("rocky" for "rocky 5"
        against "rocky 4"), so the reason can name the films of the series."""
        wanted = numbers(key)
        words = content_words(key)
        bare_key = _without_numbers(key) if wanted else key
        out: list[Scored] = []
        for s in scored:
            if wanted and numbers(s.norm) != wanted:
                bare = score(bare_key, _without_numbers(s.norm)) if bare_key else 0.0
                if max(bare, s.score) >= SUGGEST:
                    s = replace(s, score=bare, held=HELD_NUMBER)
            elif s.score >= SUGGEST and not holds_words(words, s.norm):
                s = replace(s, held=HELD_WORDS)
            elif not wanted and s.score < 99.0 and numbers(s.norm):
                # No number asked: the first film before its sequels ("the savage summer
                # of" is "The Savage Summer of Seoul", not "... Seoul 3").
                s = replace(s, score=s.score - UNNUMBERED_FIRST)
            out.append(s)
        return sorted(out, key=_rank)

    async def _acronym(self, key: str) -> Resolution | None:
        """A short all-letter query (and an optional number) as a title's initials."""
        m = _ACRONYM.fullmatch(key)
        if m is None:
            return None
        wanted = numbers(m.group("number") or "")
        films: dict[int, Scored] = {}
        for r in await self._reader.initials(m.group("letters"), ACRONYM_SCAN):
            if r.film.rid not in films and numbers(r.norm) == wanted:
                films[r.film.rid] = Scored(r.film, ACCEPT, r.name, r.kind, r.norm)
        ranked = sorted(films.values(), key=lambda s: (-s.row.popularity, s.row.year))
        if not ranked:
            return None
        top = ranked[0]
        if len(ranked) > 1 and top.row.popularity < DOMINANT * max(ranked[1].row.popularity, 1):
            return Resolution(suggestions=tuple(ranked[:5]))
        match = Match(method=MatchMethod.ALIAS, score=ACCEPT, matched=top.name)
        return Resolution(best=top, match=match, others=tuple(ranked[1:4]))

    def _decide(
        self, scored: list[Scored], year: int | None, *, exact: bool, typed: str = ""
    ) -> Resolution:
        if not scored:
            return Resolution()
        answers = [s for s in scored if not s.held]
        best = answers[0] if answers else None
        if best is None or (best.score < ACCEPT and not _alone(answers, exact=exact)):
            return _not_found(scored, year, typed)
        close = [s for s in answers if s.score >= best.score - NEAR_TIE]
        others = tuple(s for s in answers[1:4] if s.score >= ACCEPT)
        if len(close) > 1:
            ranked = sorted(close, key=lambda s: (-s.row.popularity, -s.score))
            top, runner = ranked[0], ranked[1]
            factor = DOMINANT if exact or same_title(close) else FUZZY_DOMINANT
            if top.row.popularity >= factor * max(runner.row.popularity, 1):
                best = top
                others = tuple(s for s in ranked[1:4])
            else:
                return Resolution(candidates=tuple(ranked[:10]))
        if exact:
            method = MatchMethod.EXACT if best.kind == KIND_TITLE else MatchMethod.ALIAS
        else:
            method = MatchMethod.FUZZY
        match = Match(
            method=method,
            score=round(best.score, 1),
            matched=best.name,
        )
        return Resolution(best=best, match=match, others=others)


def _literal_first(scored: list[Scored], typed: str) -> list[Scored]:
    """Names that normalise alike but were typed differently: the one spelt as typed.
    "Transformers One" and the alias "Transformers 1" are both "transformers 1", "The
    Heat" and "Heat" both "heat"; typed "transformers one" or "the heat", the film of
    that exact spelling is the answer, not the more popular one. Several films spelt as
    typed (two "Scarface"s) stay a choice as before; none, and nothing changes."""
    wanted = spelt(typed)
    if not wanted or len({s.row.rid for s in scored}) < 2:
        return scored
    same = [s for s in scored if not s.held and spelt(s.name) == wanted]
    return same if same else scored


def _prefiltered(key: str, rows: list[NameRow]) -> list[NameRow]:
    """The rows worth a full :func:`score`: rapidfuzz scores every name against the query
    (and, without its numbers, against the name without its numbers) in C; a name none of
    those scores puts at :data:`PREFILTER` or above cannot reach a suggestion."""
    norms = [r.norm for r in rows]
    best: dict[int, float] = {}
    checks: list[tuple[str, list[str]]] = [(key, norms)]
    bare = _without_numbers(key)
    if bare and bare != key:
        checks.append((bare, [_without_numbers(n) for n in norms]))
    for query, names in checks:
        for scorer in (fuzz.ratio, fuzz.token_sort_ratio, fuzz.token_set_ratio):
            for _, value, i in process.extract(
                query, names, scorer=scorer, limit=None, score_cutoff=PREFILTER
            ):
                best[i] = max(best.get(i, 0.0), value)
    order = sorted(best, key=lambda i: -best[i])[:PREFILTER_KEEP]
    return [rows[i] for i in sorted(order)]


def _alone(answers: list[Scored], *, exact: bool) -> bool:
    """Whether the best fuzzy candidate, under :data:`ACCEPT`, is the answer all the same:
    above :data:`LONE`, and no other film that may be the answer near it."""
    if exact or not answers or answers[0].score <= LONE:
        return False
    return len(answers) == 1 or answers[1].score < answers[0].score - LONE_GAP


def _rank(s: Scored) -> tuple[bool, float, int, int]:
    """Answers before held candidates; then by score, popularity, year."""
    return (bool(s.held), -s.score, -s.row.popularity, s.row.year)


def _hold_years(scored: list[Scored], year: int | None) -> list[Scored]:
    """A film more than a year away from the year asked is never the answer."""
    if year is None:
        return scored
    held = [
        s if abs(s.row.year - year) <= 1 or s.held else replace(s, held=HELD_YEAR) for s in scored
    ]
    return sorted(held, key=_rank)


def _at_least_as_good(a: list[Scored], b: list[Scored]) -> bool:
    if not a:
        return False
    if not b:
        return True
    if bool(a[0].held) != bool(b[0].held):
        return not a[0].held
    return a[0].score >= b[0].score - NEAR_TIE


def _not_found(scored: list[Scored], year: int | None, typed: str) -> Resolution:
    """Nothing to answer: close films as suggestions (held ones at a held score), and a
    reason when the films the title named were held back by their number or year."""
    close = sorted(
        (replace(s, score=min(s.score, HELD)) if s.held else s for s in scored),
        key=lambda s: (-s.score, -s.row.popularity, s.row.year),
    )
    suggestions = tuple(s for s in close[:5] if s.score >= SUGGEST)
    named = [s for s in scored if s.held in (HELD_NUMBER, HELD_YEAR) and s.score >= ACCEPT]
    if not named:
        return Resolution(suggestions=suggestions)
    named = sorted(named[:5], key=lambda s: (s.row.year, s.row.title))
    has = tuple(f"{s.row.title} ({s.row.year})" for s in named)
    if named[0].held == HELD_YEAR and year is not None:
        missing = f"{named[0].row.title} ({year})"
    else:
        missing = f"“{typed}”"
    first = tuple(replace(s, score=min(s.score, HELD)) for s in named)
    rest = tuple(s for s in suggestions if s.row.rid not in {n.row.rid for n in named})
    return Resolution(
        suggestions=(first + rest)[:5],
        reason=NOT_THIS_ONE,
        reason_films=has,
        reason_missing=missing,
    )


def _select(df: dict[str, int], budget: int) -> list[str]:
    """The most selective terms whose posting lists fit the budget together.

    A term held by more names than the whole budget is never read: a query made only of
    such terms ("the man") is answered by the exact lookup or not at all, in bounded time.
    """
    terms: list[str] = []
    total = 0
    for n, term in sorted((n, t) for t, n in df.items() if n > 0):
        if len(terms) >= MAX_TERMS or total + n > budget:
            break
        terms.append(term)
        total += n
    return terms


def _merge(a: list[Scored], b: list[Scored]) -> list[Scored]:
    best: dict[int, Scored] = {s.row.rid: s for s in a}
    for s in b:
        if s.row.rid not in best or s.score > best[s.row.rid].score:
            best[s.row.rid] = s
    return sorted(best.values(), key=_rank)


def same_title(scored: list[Scored]) -> bool:
    return len({normalize(s.row.title) for s in scored}) == 1
