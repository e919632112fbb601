"""Pages in the seed's text format (see ``shared/seeds``): one film per page.

Lines: an optional "Back", the question, "Yes!"/"No!", a sentence restating it, optional
scene lines ("During credits (gag): ..." / "After credits: ..."), the title, the year, the
synopsis, labelled fields (empty ones appear as a bare label), the ratings as value/label
pairs, then "Check out what happened in <title>!" and the recap. Errors name the file and
the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import DataError
from bot.models import Credits, Film, Position, Ratings, Scene, Verdict
from bot.records import film_from_record, film_to_record, slugify

_QUESTION = re.compile(r"^Does (?P<title>.+) have (?:end |mid |post )?credits? scenes\?$", re.I)
_VERDICT = re.compile(r"^(?P<v>Yes|No)!$", re.I)
_FIELD = re.compile(
    r"^(?P<label>Runtime|Box Office|Language|Languages|By|Directors?|Ratings):\s*(?P<value>.*)$"
)
_RECAP = re.compile(r"^Check out what happened in (?P<title>.+)!$")
_SCENE = re.compile(
    r"^(?P<pos>During|After|Mid|Post)[- ]credits?(?: \((?P<kind>[^)]*)\))?:\s*(?P<desc>.+)$", re.I
)
_RUNTIME = re.compile(r"^(?P<n>\d{1,4})\s*min")
_NUMBER = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*%?$")
_YEAR = re.compile(r"(18[89]|19\d|20\d)\d")
_EMPTY_VALUES = {"", "-", "n/a", "na", "tbd", "none"}


def _split_people(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r",|;| and ", value) if p.strip())


class _Lines:
    """The page's non-empty lines with their numbers, read one at a time."""

    def __init__(self, text: str, path: str) -> None:
        lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
        self.total = len(lines)
        self.path = path
        numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln]
        if numbered and numbered[0][1].lower() == "back":
            numbered = numbered[1:]
        if not numbered:
            raise DataError(path, 1, "empty page")
        self.first = numbered[0][0]
        self._it: Iterator[tuple[int, str]] = iter(numbered)

    def fail(self, lineno: int, message: str) -> DataError:
        return DataError(self.path, lineno, message)

    def take(self, what: str) -> tuple[int, str]:
        try:
            return next(self._it)
        except StopIteration:
            raise self.fail(self.total, f"page ends before {what}") from None

    def rest(self) -> Iterator[tuple[int, str]]:
        return self._it


@dataclass
class _Body:
    """What follows the year: synopsis, labelled fields, rating lines and the recap."""

    synopsis: list[str] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    ratings: list[tuple[int, str]] = field(default_factory=list)
    recap: list[str] = field(default_factory=list)

    def field(self, name: str) -> str | None:
        value = self.fields.get(name, "")
        return None if value.lower() in _EMPTY_VALUES else value


def _head(lines: _Lines) -> tuple[bool, list[Scene], str, int]:
    """The question, the verdict, the scene lines, the title and the year."""
    lineno, line = lines.take("the question")
    if not _QUESTION.match(line):
        raise lines.fail(lineno, "expected 'Does <title> have end credit scenes?'")
    lineno, line = lines.take("the verdict")
    v = _VERDICT.match(line)
    if not v:
        raise lines.fail(lineno, "expected 'Yes!' or 'No!'")
    lines.take("the verdict sentence")
    scenes: list[Scene] = []
    lineno, line = lines.take("the title")
    while (sm := _SCENE.match(line)) is not None:
        pos = sm.group("pos").lower()
        kind = (sm.group("kind") or "").strip().lower().replace(" ", "-") or None
        scenes.append(
            Scene(
                position=Position.DURING if pos in ("during", "mid") else Position.AFTER,
                kind=kind,
                description=sm.group("desc").strip(),
            )
        )
        lineno, line = lines.take("the title")
    title = line
    lineno, line = lines.take("the year")
    if not _YEAR.fullmatch(line):
        raise lines.fail(lineno, f"expected the year, not {line[:40]!r}")
    return v.group("v").lower() == "yes", scenes, title, int(line)


def _body(lines: _Lines) -> _Body:
    body = _Body()
    lineno, line = lines.take("the fields")
    while not _FIELD.match(line):
        body.synopsis.append(line)
        lineno, line = lines.take("the fields")
    section = "fields"
    for n, text in ((lineno, line), *lines.rest()):
        lineno, line = n, text
        if section == "recap":
            body.recap.append(line)
        elif _RECAP.match(line):
            section = "recap"
        elif section == "ratings":
            body.ratings.append((lineno, line))
        elif (fm := _FIELD.match(line)) is None:
            raise lines.fail(lineno, f"unexpected line {line[:40]!r} among the fields")
        elif fm.group("label").lower() == "ratings":
            section = "ratings"
        else:
            body.fields[fm.group("label").lower()] = fm.group("value").strip()
    return body


def _verdict(says_yes: bool, scenes: list[Scene], lines: _Lines) -> Verdict:
    if not says_yes:
        if scenes:
            raise lines.fail(0, "a 'No!' page cannot list scenes")
        return Verdict.NONE
    positions = {s.position for s in scenes}
    if positions == {Position.DURING, Position.AFTER}:
        return Verdict.BOTH
    if positions == {Position.DURING}:
        return Verdict.DURING
    return Verdict.AFTER  # "end credit scenes" without detail: after the credits


def parse_seed_page(text: str, path: str) -> Film:
    """A film from one page in the seed's layout (see the module)."""
    lines = _Lines(text, path)
    says_yes, scenes, title, year = _head(lines)
    body = _body(lines)
    ratings = _parse_ratings(body.ratings, lines.fail)
    runtime: int | None = None
    if (raw_runtime := body.field("runtime")) is not None:
        rm = _RUNTIME.match(raw_runtime)
        if not rm:
            raise lines.fail(0, f"runtime must look like '89 min', not {raw_runtime!r}")
        runtime = int(rm.group("n"))
    verdict = _verdict(says_yes, scenes, lines)
    languages = body.field("language") or body.field("languages")
    directors = body.field("directors") or body.field("director")
    writers = body.field("by")
    film = Film(
        id=slugify(title, year),
        title=title,
        year=year,
        runtime_minutes=runtime,
        box_office=body.field("box office"),
        languages=_split_people(languages) if languages else (),
        writers=_split_people(writers) if writers else (),
        directors=_split_people(directors) if directors else (),
        ratings=ratings,
        synopsis=" ".join(body.synopsis) or None,
        recap="\n".join(body.recap) or None,
        credits=Credits(
            verdict=verdict, scenes=tuple(scenes), source=f"imported page {Path(path).name}"
        ),
    )
    # Round-trip through the record validator: one set of rules for every source.
    return film_from_record(film_to_record(film), path, lines.first)


def _parse_ratings(lines: list[tuple[int, str]], fail: Callable[[int, str], DataError]) -> Ratings:
    values: dict[str, float] = {}
    pending: tuple[int, float] | None = None
    last_label = ""
    for lineno, line in lines:
        nm = _NUMBER.match(line)
        if nm:
            pending = (lineno, float(nm.group("n")))
            continue
        label = line.lower()
        if label == "metascore":
            key = "metascore"
        elif label == "tomatometer":
            key = "tomatometer"
        elif label == "user score":
            key = "audience" if last_label == "tomatometer" else "metacritic_user"
        elif label.lower() in _EMPTY_VALUES:
            pending = None
            continue
        else:
            raise fail(lineno, f"unknown rating label {line[:40]!r}")
        last_label = label
        if pending is not None:
            values[key] = pending[1]
        pending = None
    return Ratings(
        metascore=round(values["metascore"]) if "metascore" in values else None,
        metacritic_user=values.get("metacritic_user"),
        tomatometer=round(values["tomatometer"]) if "tomatometer" in values else None,
        audience=round(values["audience"]) if "audience" in values else None,
    )
