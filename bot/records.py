"""The film record: one JSON object per film (see ``data/README.md``).

Parsing with validation (:func:`film_from_record`, errors name the file and the line),
serialising (:func:`film_to_record`), the stable id (:func:`slugify`), reading a JSON Lines
file (:func:`iter_jsonl`). Nothing here writes.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.errors import DataError
from bot.limits import MAX_FILM_ID, MAX_TITLE
from bot.models import SCENE_KINDS, Credits, Film, Position, Ratings, Scene, Verdict, WorthStaying

_ID = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,{MAX_FILM_ID - 1}}}$")
_IMDB = re.compile(r"^tt\d{5,10}$")
_KNOWN_FIELDS = frozenset(
    {
        "id",
        "title",
        "year",
        "original_title",
        "aliases",
        "imdb_id",
        "tmdb_id",
        "runtime_minutes",
        "box_office",
        "languages",
        "writers",
        "directors",
        "ratings",
        "popularity",
        "synopsis",
        "recap",
        "credits",
        "sources",
    }
)
_SOURCED_FIELDS = frozenset(
    {
        "title",
        "year",
        "original_title",
        "imdb_id",
        "tmdb_id",
        "runtime_minutes",
        "box_office",
        "languages",
        "writers",
        "directors",
        "ratings",
        "ratings.metascore",
        "ratings.metacritic_user",
        "ratings.tomatometer",
        "ratings.audience",
        "popularity",
    }
)
RATING_RANGES: dict[str, tuple[float, float]] = {
    "metascore": (0, 100),
    "metacritic_user": (0, 10),
    "tomatometer": (0, 100),
    "audience": (0, 100),
}


@dataclass(frozen=True, slots=True)
class Located:
    """A film and where its record came from."""

    film: Film
    path: str
    line: int


def slugify(title: str, year: int) -> str:
    """A stable ASCII id: ``children-of-heaven-1997``."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:50].strip("-")
    return f"{slug or 'film'}-{year}"


class _Record:
    """Typed access to one JSON object, raising :class:`DataError` with file and line."""

    def __init__(self, raw: Mapping[str, Any], path: str, line: int) -> None:
        self.raw = raw
        self.path = path
        self.line = line

    def fail(self, message: str) -> DataError:
        return DataError(self.path, self.line, message)

    def text(
        self, key: str, *, required: bool = False, raw: Mapping[str, Any] | None = None
    ) -> str | None:
        value = (self.raw if raw is None else raw).get(key)
        if value is None:
            if required:
                raise self.fail(f"'{key}' is required")
            return None
        if not isinstance(value, str):
            raise self.fail(f"'{key}' must be a string, not {type(value).__name__}")
        value = value.strip()
        if not value:
            if required:
                raise self.fail(f"'{key}' must not be empty")
            return None
        return value

    def integer(
        self, key: str, lo: int, hi: int, *, raw: Mapping[str, Any] | None = None
    ) -> int | None:
        value = (self.raw if raw is None else raw).get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"'{key}' must be a whole number, not {value!r}")
        if not lo <= value <= hi:
            raise self.fail(f"'{key}' must be between {lo} and {hi}, not {value}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"'{key}' must be a list of strings")
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))


def _ratings(rec: _Record) -> Ratings:
    raw = rec.raw.get("ratings")
    if raw is None:
        return Ratings()
    if not isinstance(raw, dict):
        raise rec.fail("'ratings' must be an object")
    unknown = set(raw) - set(RATING_RANGES)
    if unknown:
        raise rec.fail(f"unknown rating {sorted(unknown)[0]!r}")
    values: dict[str, float | None] = {}
    for key, (lo, hi) in RATING_RANGES.items():
        value = raw.get(key)
        if value is None:
            values[key] = None
            continue
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise rec.fail(f"rating '{key}' must be a number, not {value!r}")
        if not lo <= value <= hi:
            raise rec.fail(f"rating '{key}' must be between {lo:g} and {hi:g}, not {value}")
        values[key] = value
    return Ratings(
        metascore=None if values["metascore"] is None else round(values["metascore"]),
        metacritic_user=values["metacritic_user"],
        tomatometer=None if values["tomatometer"] is None else round(values["tomatometer"]),
        audience=None if values["audience"] is None else round(values["audience"]),
    )


def _credits(rec: _Record) -> Credits:
    raw = rec.raw.get("credits")
    if raw is None:
        return Credits()
    if not isinstance(raw, dict):
        raise rec.fail("'credits' must be an object")
    verdict_raw = raw.get("verdict", "unknown")
    try:
        verdict = Verdict(verdict_raw)
    except ValueError:
        allowed = ", ".join(v.value for v in Verdict)
        raise rec.fail(f"credits verdict must be one of {allowed}, not {verdict_raw!r}") from None
    scenes_raw = raw.get("scenes") or []
    if not isinstance(scenes_raw, list):
        raise rec.fail("credits 'scenes' must be a list")
    scenes: list[Scene] = []
    for n, item in enumerate(scenes_raw, start=1):
        if not isinstance(item, dict):
            raise rec.fail(f"scene {n} must be an object")
        try:
            position = Position(str(item.get("position")))
        except ValueError:
            raise rec.fail(
                f"scene {n}: position must be 'during' or 'after', not {item.get('position')!r}"
            ) from None
        kind = rec.text("kind", raw=item)
        if kind is not None and kind not in SCENE_KINDS:
            raise rec.fail(f"scene {n}: kind must be one of {', '.join(SCENE_KINDS)}")
        scenes.append(
            Scene(
                position=position,
                description=rec.text("description", raw=item),
                kind=kind,
                at=rec.text("at", raw=item),
            )
        )
    source = rec.text("source", raw=raw)
    extras = _extras(rec, raw)
    worth = _worth(rec, raw)
    _check_positions(rec, verdict, scenes)
    if verdict.recorded and source is None:
        raise rec.fail(f"verdict '{verdict}' needs a 'source'")
    if extras and not verdict.has_scenes:
        raise rec.fail(
            f"credits 'extras' need a verdict during, after, both or some, not {verdict}"
        )
    return Credits(
        verdict=verdict,
        scenes=tuple(scenes),
        source=source,
        extras=extras,
        worth_staying=worth,
        disputed=rec.text("disputed", raw=raw),
    )


def _check_positions(rec: _Record, verdict: Verdict, scenes: list[Scene]) -> None:
    """The verdict must agree with where the listed scenes are."""
    positions = {s.position for s in scenes}
    if verdict is Verdict.UNKNOWN and scenes:
        raise rec.fail("an 'unknown' verdict cannot list scenes")
    if verdict is Verdict.NONE and scenes:
        raise rec.fail("verdict 'none' contradicts the listed scenes")
    if verdict is Verdict.SOME and scenes:
        raise rec.fail(
            "verdict 'some' means where is not recorded; scenes say where "
            "(use during, after or both)"
        )
    if verdict is Verdict.DURING and Position.AFTER in positions:
        raise rec.fail("verdict 'during' but a scene is after the credits")
    if verdict is Verdict.AFTER and Position.DURING in positions:
        raise rec.fail("verdict 'after' but a scene is during the credits")
    if verdict is Verdict.BOTH and scenes and positions != {Position.DURING, Position.AFTER}:
        raise rec.fail("verdict 'both' needs scenes during and after the credits")


def _extras(rec: _Record, raw: Mapping[str, Any]) -> tuple[str, ...]:
    value = raw.get("extras")
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(k, str) for k in value):
        raise rec.fail("credits 'extras' must be a list of kinds")
    for kind in value:
        if kind not in SCENE_KINDS:
            raise rec.fail(f"credits extra {kind!r} must be one of {', '.join(SCENE_KINDS)}")
    return tuple(dict.fromkeys(value))


def _worth(rec: _Record, raw: Mapping[str, Any]) -> WorthStaying | None:
    value = raw.get("worth_staying")
    if value is None:
        return None
    if not isinstance(value, dict) or set(value) != {"yes", "votes"}:
        raise rec.fail('credits \'worth_staying\' must be {"yes": N, "votes": N}')
    yes, votes = rec.integer("yes", 0, 10**9, raw=value), rec.integer("votes", 1, 10**9, raw=value)
    if yes is None or votes is None or yes > votes:
        raise rec.fail("credits 'worth_staying': 'yes' must be at most 'votes'")
    return WorthStaying(yes=yes, votes=votes)


def film_from_record(raw: object, path: str, line: int) -> Film:
    """Validate one record and turn it into a :class:`Film`."""
    if not isinstance(raw, dict):
        raise DataError(path, line, "expected a JSON object")
    rec = _Record(raw, path, line)
    unknown = set(raw) - _KNOWN_FIELDS
    if unknown:
        raise rec.fail(f"unknown field {sorted(unknown)[0]!r}")
    title = rec.text("title", required=True)
    assert title is not None
    if len(title) > MAX_TITLE:
        raise rec.fail(f"'title' is longer than {MAX_TITLE} characters")
    if not any(ch.isalnum() for ch in title):
        raise rec.fail("'title' has no letters or digits")
    year = rec.integer("year", 1870, 2100)
    if year is None:
        raise rec.fail("'year' is required")
    film_id = rec.text("id") or slugify(title, year)
    if not _ID.match(film_id):
        raise rec.fail(
            f"'id' must be a lowercase slug of at most {MAX_FILM_ID} characters, not {film_id!r}"
        )
    imdb_id = rec.text("imdb_id")
    if imdb_id is not None and not _IMDB.match(imdb_id):
        raise rec.fail(f"'imdb_id' must look like tt0118849, not {imdb_id!r}")
    return Film(
        id=film_id,
        title=title,
        year=year,
        original_title=rec.text("original_title"),
        aliases=rec.texts("aliases"),
        imdb_id=imdb_id,
        tmdb_id=rec.integer("tmdb_id", 1, 10**9),
        runtime_minutes=rec.integer("runtime_minutes", 1, 2000),
        box_office=rec.text("box_office"),
        languages=rec.texts("languages"),
        writers=rec.texts("writers"),
        directors=rec.texts("directors"),
        ratings=_ratings(rec),
        popularity=rec.integer("popularity", 0, 10**10),
        synopsis=rec.text("synopsis"),
        recap=rec.text("recap"),
        credits=_credits(rec),
        sources=_sources(rec),
    )


def _sources(rec: _Record) -> tuple[tuple[str, str], ...]:
    raw = rec.raw.get("sources")
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise rec.fail("'sources' must be an object: field -> where it came from")
    for key, value in raw.items():
        if key not in _SOURCED_FIELDS:
            raise rec.fail(f"'sources' names an unknown field {key!r}")
        if not isinstance(value, str) or not value.strip():
            raise rec.fail(f"'sources' of {key!r} must be a non-empty string")
    return tuple((str(k), str(v).strip()) for k, v in raw.items())


def film_to_record(film: Film) -> dict[str, Any]:
    """The JSON Lines record of a film; ``film_from_record`` reads it back unchanged."""
    record: dict[str, Any] = {
        "id": film.id,
        "title": film.title,
        "year": film.year,
        "original_title": film.original_title,
        "aliases": list(film.aliases) or None,
        "imdb_id": film.imdb_id,
        "tmdb_id": film.tmdb_id,
        "runtime_minutes": film.runtime_minutes,
        "box_office": film.box_office,
        "languages": list(film.languages) or None,
        "writers": list(film.writers) or None,
        "directors": list(film.directors) or None,
        "popularity": film.popularity,
        "synopsis": film.synopsis,
        "recap": film.recap,
    }
    ratings = {
        "metascore": film.ratings.metascore,
        "metacritic_user": film.ratings.metacritic_user,
        "tomatometer": film.ratings.tomatometer,
        "audience": film.ratings.audience,
    }
    if any(v is not None for v in ratings.values()):
        record["ratings"] = {k: v for k, v in ratings.items() if v is not None}
    c = film.credits
    if c.verdict.recorded or c.scenes or c.source:
        worth = c.worth_staying
        record["credits"] = {
            "verdict": c.verdict.value,
            "scenes": [
                {
                    k: v
                    for k, v in {
                        "position": s.position.value,
                        "kind": s.kind,
                        "description": s.description,
                        "at": s.at,
                    }.items()
                    if v is not None
                }
                for s in c.scenes
            ]
            or None,
            "extras": list(c.extras) or None,
            "worth_staying": None if worth is None else {"yes": worth.yes, "votes": worth.votes},
            "source": c.source,
            "disputed": c.disputed,
        }
        record["credits"] = {k: v for k, v in record["credits"].items() if v is not None}
    if film.sources:
        record["sources"] = dict(film.sources)
    return {k: v for k, v in record.items() if v is not None}


def iter_jsonl(path: Path) -> Iterator[Located]:
    """Films of one JSON Lines file, in order; the first bad line raises."""
    name = str(path)
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise DataError(name, None, f"cannot read: {exc.strerror or exc}") from None
    with handle:
        lineno = 0
        try:
            for lineno, raw_line in enumerate(handle, start=1):
                line = raw_line.strip()
                if not line or line.startswith("//"):
                    continue
                try:
                    raw = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise DataError(name, lineno, f"invalid JSON: {exc.msg}") from None
                yield Located(film_from_record(raw, name, lineno), name, lineno)
        except UnicodeDecodeError:
            raise DataError(name, lineno + 1, "not UTF-8 text") from None
