"""Importing films: JSON Lines files and pages in the seed's text format.

An import is all or nothing: every record of every file is validated first; one bad
record rejects the whole import with its file and line, and nothing is written. Accepted
films are written to ``data/local/`` (one new file per import, written atomically), where
every later rebuild of the catalog finds them.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.catalog import (
    LAYER_TMDB,
    Located,
    film_from_record,
    film_to_record,
    iter_films,
    iter_jsonl,
    slugify,
    source_files,
    source_layer,
)
from bot.errors import DataError
from bot.models import Credits, Film, Position, Ratings, Scene, Verdict
from bot.normalize import normalize

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
_EMPTY_VALUES = {"", "-", "n/a", "na", "tbd", "none"}
NEAR_YEARS = 2
"""An imported film whose title a catalog film has, within this many years, is that film
(release years differ between countries: the seed page dates Children of Heaven 1999)."""


def _near_years(year: int) -> list[int]:
    return sorted(range(year - NEAR_YEARS, year + NEAR_YEARS + 1), key=lambda y: abs(y - year))


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: list[Film]
    skipped: list[tuple[Film, str]]
    """Films not added, with the reason (e.g. a curated record already holds them)."""
    written: Path | None


def _split_people(value: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r",|;| and ", value) if p.strip())


def parse_seed_page(text: str, path: str) -> Film:
    """A film from one page in the seed's layout (see ``shared/seeds``).

    Lines: an optional "Back", the question, "Yes!"/"No!", a sentence restating it,
    optional scene lines ("During credits (gag): ..." / "After credits: ..."), the title,
    the year, the synopsis, labelled fields (empty ones appear as a bare label), the
    ratings as value/label pairs, then "Check out what happened in <title>!" and the recap.
    """
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    numbered = [(i + 1, ln) for i, ln in enumerate(lines) if ln]
    if numbered and numbered[0][1].lower() == "back":
        numbered = numbered[1:]
    if not numbered:
        raise DataError(path, 1, "empty page")

    def fail(lineno: int, message: str) -> DataError:
        return DataError(path, lineno, message)

    it = iter(numbered)

    def take(what: str) -> tuple[int, str]:
        try:
            return next(it)
        except StopIteration:
            raise fail(len(lines), f"page ends before {what}") from None

    lineno, line = take("the question")
    q = _QUESTION.match(line)
    if not q:
        raise fail(lineno, "expected 'Does <title> have end credit scenes?'")
    lineno, line = take("the verdict")
    v = _VERDICT.match(line)
    if not v:
        raise fail(lineno, "expected 'Yes!' or 'No!'")
    says_yes = v.group("v").lower() == "yes"
    take("the verdict sentence")
    scenes: list[Scene] = []
    lineno, line = take("the title")
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
        lineno, line = take("the title")
    title = line
    lineno, line = take("the year")
    if not re.fullmatch(r"(18[89]|19\d|20\d)\d", line):
        raise fail(lineno, f"expected the year, not {line[:40]!r}")
    year = int(line)
    synopsis_parts: list[str] = []
    fields: dict[str, str] = {}
    lineno, line = take("the fields")
    while not _FIELD.match(line):
        synopsis_parts.append(line)
        lineno, line = take("the fields")
    ratings_lines: list[tuple[int, str]] = []
    recap: list[str] = []
    section = "fields"
    while True:
        if section == "fields":
            fm = _FIELD.match(line)
            if fm:
                label = fm.group("label").lower()
                if label == "ratings":
                    section = "ratings"
                else:
                    fields[label] = fm.group("value").strip()
            elif _RECAP.match(line):
                section = "recap"
            else:
                raise fail(lineno, f"unexpected line {line[:40]!r} among the fields")
        elif section == "ratings":
            if _RECAP.match(line):
                section = "recap"
            else:
                ratings_lines.append((lineno, line))
        else:
            recap.append(line)
        try:
            lineno, line = next(it)
        except StopIteration:
            break
    ratings = _parse_ratings(ratings_lines, fail)
    runtime: int | None = None
    if fields.get("runtime", "").lower() not in _EMPTY_VALUES:
        rm = _RUNTIME.match(fields["runtime"])
        if not rm:
            raise fail(0, f"runtime must look like '89 min', not {fields['runtime']!r}")
        runtime = int(rm.group("n"))
    if says_yes:
        positions = {s.position for s in scenes}
        if positions == {Position.DURING, Position.AFTER}:
            verdict = Verdict.BOTH
        elif positions == {Position.DURING}:
            verdict = Verdict.DURING
        else:
            verdict = Verdict.AFTER  # "end credit scenes" without detail: after the credits
    else:
        if scenes:
            raise fail(0, "a 'No!' page cannot list scenes")
        verdict = Verdict.NONE

    def field(name: str) -> str | None:
        value = fields.get(name, "")
        return None if value.lower() in _EMPTY_VALUES else value

    languages = field("language") or field("languages")
    directors = field("directors") or field("director")
    writers = field("by")
    film = Film(
        id=slugify(title, year),
        title=title,
        year=year,
        runtime_minutes=runtime,
        box_office=field("box office"),
        languages=_split_people(languages) if languages else (),
        writers=_split_people(writers) if writers else (),
        directors=_split_people(directors) if directors else (),
        ratings=ratings,
        synopsis=" ".join(synopsis_parts) or None,
        recap="\n".join(recap) or None,
        credits=Credits(
            verdict=verdict, scenes=tuple(scenes), source=f"imported page {Path(path).name}"
        ),
    )
    # Round-trip through the record validator: one set of rules for every source.
    return film_from_record(film_to_record(film), path, numbered[0][0])


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


def read_import_file(path: Path) -> list[Located]:
    """Films of one file to import: ``.jsonl`` records, or a seed-format text page."""
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return list(iter_jsonl(path))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(str(path), None, f"cannot read: {exc}") from None
    return [Located(parse_seed_page(text, str(path)), str(path), 1)]


def _clashes(
    items: Sequence[Located], data_dir: Path
) -> tuple[dict[int, Located], dict[int, dict[int, Located]]]:
    """Films of the catalog's sources that the imported ``items`` would redefine.

    One streamed pass over the curated and ``db import`` files: by id, and by normalised
    title within :data:`NEAR_YEARS` years, for each item's index. The bulk imports
    (``tmdb.jsonl``, ``imdb.jsonl``) rank below a ``db import`` and are not consulted.
    """
    wanted_ids = {item.film.id: i for i, item in reversed(list(enumerate(items)))}
    wanted_titles: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        wanted_titles.setdefault(normalize(item.film.title), []).append(i)
    by_id: dict[int, Located] = {}
    by_year: dict[int, dict[int, Located]] = {}
    # Bulk imports (tmdb.jsonl, imdb.jsonl) rank below this one: they never block it.
    files = [f for f in source_files(data_dir) if source_layer(f) < LAYER_TMDB]
    for existing in iter_films(files):
        film = existing.film
        same = wanted_ids.get(film.id)
        if same is not None:
            by_id.setdefault(same, existing)
        for i in wanted_titles.get(normalize(film.title), ()):
            if abs(items[i].film.year - film.year) <= NEAR_YEARS:
                by_year.setdefault(i, {}).setdefault(film.year, existing)
    return by_id, by_year


def import_files(paths: Sequence[Path], data_dir: Path) -> ImportReport:
    """Validate every file, then write the new films to ``data_dir/local`` in one file.

    Raises :class:`DataError` (with file and line) before anything is written if any
    record is bad or the files contradict each other.
    """
    items = [item for path in paths for item in read_import_file(path)]
    by_id, by_year = _clashes(items, data_dir)
    added: list[Film] = []
    added_ids: set[str] = set()
    skipped: list[tuple[Film, str]] = []
    seen: dict[tuple[str, int], Located] = {}
    for i, item in enumerate(items):
        film = item.film
        key = (normalize(film.title), film.year)
        if key in seen or film.id in added_ids:
            other = seen.get(key)
            where = f" (also at {other.path}:{other.line})" if other else ""
            raise DataError(item.path, item.line, f"duplicate film {film.label}{where}")
        seen[key] = item
        years = by_year.get(i, {})
        clash = by_id.get(i) or next(
            (years[y] for y in _near_years(film.year) if y in years),
            None,
        )
        if clash is not None:
            skipped.append((film, f"already in the catalog from {clash.path}:{clash.line}"))
            continue
        added.append(film)
        added_ids.add(film.id)
    if not added:
        return ImportReport(added, skipped, None)
    local = data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    dest = local / f"import-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.jsonl"
    fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=local)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for film in added:
                handle.write(json.dumps(film_to_record(film), ensure_ascii=False) + "\n")
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return ImportReport(added, skipped, dest)
