"""Title resolution: what the user typed -> one film, a choice, or nothing.

1. Exact lookup of the compact normalised key over titles, original titles and aliases
   (the whole text first, so "Blade Runner 2049" and "2012" stay titles; then with a
   trailing year split off, or a trailing "1" dropped: "iron man 1").
2. Otherwise candidates from the FTS5 indexes: first the names holding every intact word
   of the query (FTS5 intersects the word posting lists); if none scores 90, the query's
   most selective trigrams (document frequencies come from ``trigram_df``) within a
   posting budget, counted per name inside SQLite, best 150 kept. Never a scan of the
   catalog.
3. rapidfuzz re-ranks that bounded set. Scores of 90 and above are answers; 75-90 are
   "did you mean" suggestions; below that the query is nonsense, and gets no random film.
4. A year (±1) filters; popularity breaks near-ties; films with the same title and no
   clear favourite are a choice for the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.models import Candidate, Match, MatchMethod
from bot.normalize import compact, normalize, trigrams
from bot.store.reader import CatalogReader, FilmRow, NameRow
from bot.store.schema import KIND_TITLE

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

_TRAILING_YEAR = re.compile(r"^(?P<title>.*?\S)[\s,]*[(\[]?(?P<year>(18[89]|19\d|20\d)\d)[)\]]?$")


@dataclass(frozen=True, slots=True)
class Scored:
    row: FilmRow
    score: float
    name: str
    kind: int

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

    Close lengths: edit-distance ratio, or the same with the words sorted. A query much
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
    close = max(fuzz.ratio(query, name), fuzz.token_sort_ratio(query, name))
    if len(query) < 6 or len(name) < 1.3 * len(query):
        return close
    return max(close, 0.95 * fuzz.token_set_ratio(query, name))


class Resolver:
    def __init__(self, reader: CatalogReader) -> None:
        self._reader = reader

    async def resolve(
        self, text: str, year: int | None = None, *, budget: int = POSTING_BUDGET
    ) -> Resolution:
        key = normalize(text)
        if not key:
            return Resolution()
        whole = await self._exact(key, year)
        if whole is not None:
            return whole
        split = split_year(text) if year is None else None
        if split is not None:
            title, split_year_value = split
            found = await self._exact(normalize(title), split_year_value)
            if found is not None:
                return found
        if key.endswith(" 1"):
            found = await self._exact(key[:-2], year)
            if found is not None:
                return found
        scored = await self._fuzzy(key, year, budget)
        if split is not None:
            title, split_year_value = split
            with_year = await self._fuzzy(normalize(title), split_year_value, budget)
            if with_year and (not scored or with_year[0].score >= scored[0].score - NEAR_TIE):
                scored = with_year
                year = split_year_value
        return self._decide(scored, year, exact=False)

    async def _exact(self, key: str, year: int | None) -> Resolution | None:
        if not key:
            return None
        rows = await self._reader.exact(compact(key))
        if not rows:
            return None
        scored = self._score_rows(key, rows)
        if year is not None:
            in_year = [s for s in scored if abs(s.row.year - year) <= 1]
            if in_year:
                exact_year = [s for s in in_year if s.row.year == year]
                scored = exact_year if len(exact_year) == 1 else in_year
        return self._decide(scored, year, exact=True)

    @staticmethod
    def _score_rows(key: str, rows: list[NameRow]) -> list[Scored]:
        best: dict[int, Scored] = {}
        for r in rows:
            s = score(key, r.norm)
            current = best.get(r.film.rid)
            # Prefer a title over an alias when both score the same.
            if current is None or (s, -r.kind) > (current.score, -current.kind):
                best[r.film.rid] = Scored(r.film, s, r.name, r.kind)
        return sorted(best.values(), key=lambda s: (-s.score, -s.row.popularity, s.row.year))

    async def _fuzzy(self, key: str, year: int | None, budget: int) -> list[Scored]:
        words = [w for w in dict.fromkeys(key.split()) if len(w) >= 2]
        grams = trigrams(key)
        word_df, gram_df = await self._reader.document_frequencies(words, grams)
        scored: list[Scored] = []
        # Whole words first: names holding every intact word of the query (FTS5 intersects
        # the posting lists, cheaply). Typos in every word, or one-word titles, fall
        # through to trigrams, counted per name within a posting budget.
        present = sorted((n, w) for w, n in word_df.items() if n > 0)
        if present:
            rows = await self._reader.all_words([w for _, w in present[:MAX_WORDS]], WORD_LIMIT)
            scored = self._score_rows(key, rows)
        if not scored or scored[0].score < ACCEPT:
            gram_terms = _select(gram_df, budget)
            rows = await self._reader.trigram_candidates(gram_terms, CANDIDATES)
            scored = _merge(scored, self._score_rows(key, rows))
        if year is not None:
            in_year = [s for s in scored if abs(s.row.year - year) <= 1]
            if in_year and in_year[0].score >= SUGGEST:
                scored = in_year
        return scored

    def _decide(self, scored: list[Scored], year: int | None, *, exact: bool) -> Resolution:
        if not scored:
            return Resolution()
        best = scored[0]
        if best.score < ACCEPT:
            suggestions = tuple(s for s in scored[:5] if s.score >= SUGGEST)
            return Resolution(suggestions=suggestions)
        close = [s for s in scored if s.score >= best.score - NEAR_TIE]
        others = tuple(s for s in scored[1:4] if s.score >= ACCEPT)
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
    return sorted(best.values(), key=lambda s: (-s.score, -s.row.popularity, s.row.year))


def same_title(scored: list[Scored]) -> bool:
    return len({normalize(s.row.title) for s in scored}) == 1
