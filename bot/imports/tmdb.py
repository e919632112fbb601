"""``credits-bot db import-tmdb``: credit-scene verdicts from TMDB's keywords.

TMDB tags films with ``duringcreditsstinger`` (keyword 179431) and ``aftercreditsstinger``
(179430). The import walks ``/3/discover/movie?with_keywords=179431|179430`` page by
page, then reads each film's keywords (and IMDb id, year, runtime) with
``/3/movie/{id}?append_to_response=keywords``, and records ``during``, ``after`` or
``both`` with the source "TMDB keywords". A film without either keyword is not in the
walk at all: a missing keyword proves nothing and never becomes ``none``.

- Authentication: the read-access token as a bearer header; it is never logged or shown.
- Rate limits: a 429 is retried after its ``Retry-After`` (seconds or an HTTP date;
  capped), 5xx answers and dropped connections after a growing pause; each request at
  most :data:`MAX_ATTEMPTS` times, then the import stops (and can be resumed).
- Discover serves at most :data:`MAX_PAGES` pages of one query, so the walk is sorted by
  release date and continues with ``primary_release_date.gte`` after the last page.
- Resuming: after each page, its films' facts are appended to
  ``data/local/tmdb-fetched.part`` and ``data/local/tmdb-state.json`` (written
  atomically) records the page and the valid length of that file. A new run continues
  after the last completed page (``--restart`` starts over).
- Merge rules, decided when the walk is complete: a film that a curated or ``db import``
  file holds (same IMDb or TMDB id, same normalised title and year, or a year apart) is
  never changed: if its recorded verdict denies a scene TMDB reports, that is reported as
  a contradiction; if it is ``unknown`` that is reported too, for a curator to review.
  A film of ``imdb.jsonl`` (always ``unknown``) is upgraded: ``tmdb.jsonl`` gets the IMDb
  record (same id, titles and aliases) with TMDB's verdict, and wins at build time. Any
  other film is added.
- ``data/local/tmdb.jsonl`` is replaced as a whole (temporary file, rename) and the
  catalog rebuilt; the state files are removed when both succeeded.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import json
import os
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bot.atomic import staged, write_json_atomic
from bot.errors import BotError, ConfigError, DataError
from bot.imports.common import Progress, install_and_rebuild
from bot.models import Verdict
from bot.normalize import normalize
from bot.records import film_from_record, slugify
from bot.settings import Secret
from bot.sources import IMDB_FILE, LAYER_AFTERCREDITS, TMDB_FILE, Held, Identity, held_films
from bot.store.build import BuildReport

KEYWORD_DURING = 179431
KEYWORD_AFTER = 179430
WITH_KEYWORDS = f"{KEYWORD_DURING}|{KEYWORD_AFTER}"
SOURCE = "TMDB keywords"
STATE_FILE = "tmdb-state.json"
PART_FILE = "tmdb-fetched.part"
STATE_VERSION = 1
MAX_PAGES = 500
"""TMDB's discover answers pages 1 to 500 of a query."""
CONCURRENCY = 8
MAX_ATTEMPTS = 6
MAX_WAIT = 60.0
"""The longest single wait for a rate limit or a retry, in seconds."""

_IMDB = re.compile(r"tt\d{5,10}")
_DATE = re.compile(r"(\d{4})-\d{2}-\d{2}")
_IMDB_IN_LINE = re.compile(r'"imdb_id":\s*"(tt\d+)"')

Sleep = Callable[[float], Awaitable[None]]
T = TypeVar("T")


class TmdbGaveUp(BotError):
    """TMDB kept failing or rate-limiting one request; the walk can be resumed."""


def _retry_after(response: httpx.Response, default: float) -> float:
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return default
    try:
        return max(float(raw), 0.0)
    except ValueError:
        pass
    with contextlib.suppress(TypeError, ValueError):
        when = email.utils.parsedate_to_datetime(raw)
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    return default


class TmdbClient:
    """GET requests to TMDB's API with the bearer token, retries and a concurrency cap."""

    def __init__(
        self,
        base_url: str,
        token: Secret,
        *,
        sleep: Sleep = asyncio.sleep,
        max_attempts: int = MAX_ATTEMPTS,
        max_wait: float = MAX_WAIT,
        concurrency: int = CONCURRENCY,
        timeout: float = 30.0,
    ) -> None:
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"Authorization": f"Bearer {token.get()}", "Accept": "application/json"},
            timeout=timeout,
        )
        self._sleep = sleep
        self._limit = asyncio.Semaphore(concurrency)
        self.max_attempts = max(1, max_attempts)
        self.max_wait = max_wait
        self.requests = 0
        self.rate_limited = 0
        self.waited = 0.0

    async def __aenter__(self) -> TmdbClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._client.aclose()

    async def get(self, path: str, params: Mapping[str, str | int]) -> dict[str, Any] | None:
        """The JSON object TMDB answers, or None for a 404."""
        last = ""
        for attempt in range(1, self.max_attempts + 1):
            backoff = min(2.0 ** (attempt - 1), self.max_wait)
            async with self._limit:
                self.requests += 1
                try:
                    response: httpx.Response | None = await self._client.get(
                        path, params=dict(params)
                    )
                except httpx.HTTPError as exc:
                    response, last = None, f"cannot reach TMDB: {type(exc).__name__}"
            wait = backoff
            if response is not None:
                status = response.status_code
                if status == 200:
                    try:
                        data = response.json()
                    except ValueError:
                        data = None
                    if not isinstance(data, dict):
                        raise BotError(f"TMDB answered {path} with something other than JSON")
                    return data
                if status == 404:
                    return None
                if status == 401:
                    raise ConfigError("TMDB refused the token (HTTP 401): check TMDB_API_TOKEN")
                if status == 429:
                    self.rate_limited += 1
                    wait, last = _retry_after(response, backoff), "HTTP 429, rate limited"
                elif status >= 500:
                    last = f"HTTP {status}"
                else:
                    raise BotError(f"TMDB answered {path} with HTTP {status}")
            if attempt == self.max_attempts:
                break
            wait = min(wait, self.max_wait)
            self.waited += wait
            await self._sleep(wait)
        raise TmdbGaveUp(
            f"TMDB {path}: gave up after {self.max_attempts} tries ({last}); "
            "run the import again to resume"
        )


@dataclass
class _State:
    cursor: str | None = None
    """``primary_release_date.gte`` of the current window of pages, once past page 500."""
    page: int = 0
    """The last completed page of the window."""
    total_pages: int | None = None
    part_bytes: int = 0
    """How much of the part file those pages wrote."""
    complete: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "with_keywords": WITH_KEYWORDS,
            "cursor": self.cursor,
            "page": self.page,
            "total_pages": self.total_pages,
            "part_bytes": self.part_bytes,
            "complete": self.complete,
        }

    @classmethod
    def load(cls, path: Path) -> _State | None:
        """The saved state, or None when there is none (or it is of another version)."""
        if not path.is_file():
            return None
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("version") != STATE_VERSION or raw.get("with_keywords") != WITH_KEYWORDS:
                return None
            state = cls(
                cursor=raw["cursor"],
                page=int(raw["page"]),
                total_pages=raw["total_pages"],
                part_bytes=int(raw["part_bytes"]),
                complete=bool(raw["complete"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            raise DataError(
                str(path), None, "unreadable import state: delete it or use --restart"
            ) from None
        if state.cursor is not None and not isinstance(state.cursor, str):
            raise DataError(str(path), None, "unreadable import state: delete it or use --restart")
        return state


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A TMDB fact about a film that a curated (or ``db import``) record holds."""

    film: str
    where: str
    recorded: str
    tmdb: str
    tmdb_id: int

    def __str__(self) -> str:
        return (
            f"{self.film}: {self.where} says {self.recorded}, "
            f"TMDB keywords say {self.tmdb} (tmdb id {self.tmdb_id})"
        )


@dataclass
class TmdbReport:
    pages: int = 0
    """Discover pages read by this run."""
    resumed_after: int | None = None
    """The page a previous, interrupted run had completed."""
    tagged: int = 0
    """Films TMDB tags with a credits keyword (with a title and a year)."""
    added: int = 0
    upgraded: int = 0
    """Films of ``imdb.jsonl`` (verdict unknown) that now get TMDB's verdict."""
    changed: list[tuple[str, str, str]] = field(default_factory=list)
    """Films whose TMDB verdict differs from the previous import: (film, before, now)."""
    unchanged: int = 0
    removed: int = 0
    """Films of the previous ``tmdb.jsonl`` that TMDB no longer tags."""
    agrees: int = 0
    """Films a curated record holds, with a verdict TMDB's keywords agree with."""
    contradictions: list[Contradiction] = field(default_factory=list)
    curated_unknown: list[Contradiction] = field(default_factory=list)
    """Films a curated record holds with verdict unknown: TMDB's fact is not applied."""
    skipped: Counter[str] = field(default_factory=Counter)
    requests: int = 0
    rate_limited: int = 0
    waited: float = 0.0
    truncated: bool = False
    """More than 10,000 tagged films on one release date: the rest were out of reach."""
    written: Path | None = None
    build: BuildReport | None = None
    seconds: float = 0.0


async def _gather(coros: list[Coroutine[Any, Any, T]]) -> list[T]:
    """Run concurrently; on the first failure cancel the rest and raise that failure."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coros]
    except BaseExceptionGroup as failed:
        first: BaseException = failed
        while isinstance(first, BaseExceptionGroup):
            first = first.exceptions[0]
        raise first from None
    return [t.result() for t in tasks]


def _year(release: object) -> int | None:
    if not isinstance(release, str):
        return None
    m = _DATE.fullmatch(release.strip())
    if m is None or not 1870 <= int(m.group(1)) <= 2100:
        return None
    return int(m.group(1))


async def _fact(client: TmdbClient, tmdb_id: int) -> dict[str, Any]:
    """What TMDB says about one film, as one line of the part file."""
    data = await client.get(f"/3/movie/{tmdb_id}", {"append_to_response": "keywords"})
    if data is None:
        return {"tmdb_id": tmdb_id, "skip": "not found on TMDB"}
    keywords: object = data.get("keywords")
    if isinstance(keywords, dict):
        keywords = keywords.get("keywords")
    ids = (
        {k.get("id") for k in keywords if isinstance(k, dict)}
        if isinstance(keywords, list)
        else set()
    )
    during, after = KEYWORD_DURING in ids, KEYWORD_AFTER in ids
    if not (during or after):
        return {"tmdb_id": tmdb_id, "skip": "no credits keyword any more"}
    title = data.get("title")
    if not isinstance(title, str) or not any(ch.isalnum() for ch in title) or len(title) > 300:
        return {"tmdb_id": tmdb_id, "skip": "no usable title"}
    year = _year(data.get("release_date"))
    if year is None:
        return {"tmdb_id": tmdb_id, "skip": "no release year"}
    imdb_id = data.get("imdb_id")
    runtime = data.get("runtime")
    votes = data.get("vote_count")
    original = data.get("original_title")
    return {
        "tmdb_id": tmdb_id,
        "title": title.strip(),
        "original_title": original.strip() if isinstance(original, str) else None,
        "year": year,
        "imdb_id": imdb_id if isinstance(imdb_id, str) and _IMDB.fullmatch(imdb_id) else None,
        "runtime": runtime if isinstance(runtime, int) and 1 <= runtime <= 2000 else None,
        "votes": votes if isinstance(votes, int) and 0 <= votes <= 10**10 else None,
        "during": during,
        "after": after,
    }


def _page(data: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    results = data.get("results")
    total = data.get("total_pages")
    if not isinstance(results, list) or not isinstance(total, int):
        raise BotError("TMDB's discover answer has no 'results' list or 'total_pages'")
    films = [
        r
        for r in results
        if isinstance(r, dict) and isinstance(r.get("id"), int) and not isinstance(r["id"], bool)
    ]
    return films, total


async def _walk(
    client: TmdbClient,
    state: _State,
    state_path: Path,
    part_path: Path,
    *,
    max_pages: int,
    report: TmdbReport,
    progress: Progress | None,
) -> None:
    fetched = _fetched_so_far(part_path, state)
    with part_path.open("ab") as part:
        while not state.complete:
            page = state.page + 1
            params: dict[str, str | int] = {
                "with_keywords": WITH_KEYWORDS,
                "sort_by": "primary_release_date.asc",
                "include_adult": "false",
                "include_video": "false",
                "page": page,
            }
            if state.cursor is not None:
                params["primary_release_date.gte"] = state.cursor
            data = await client.get("/3/discover/movie", params)
            if data is None:
                raise BotError("TMDB has no /3/discover/movie (HTTP 404): check TMDB_API_BASE_URL")
            results, total_pages = _page(data)
            window = min(total_pages, max_pages)
            todo = list(dict.fromkeys(r["id"] for r in results if r["id"] not in fetched))
            facts = await _gather([_fact(client, tmdb_id) for tmdb_id in todo])
            for fact in facts:
                part.write(json.dumps(fact, ensure_ascii=False).encode("utf-8") + b"\n")
            part.flush()
            os.fsync(part.fileno())
            fetched.update(todo)
            report.pages += 1
            state.page, state.total_pages, state.part_bytes = page, window, part.tell()
            if page >= window:
                _next_window(state, results, total_pages, max_pages, report)
            write_json_atomic(state_path, state.to_json())
            if progress is not None:
                done = state.page / state.total_pages if state.total_pages else 0.0
                since = f" from {state.cursor}" if state.cursor else ""
                progress.update(
                    1.0 if state.complete else done,
                    f"page {page}/{window}{since}, {len(fetched):,} films",
                )


def _fetched_so_far(part_path: Path, state: _State) -> set[int]:
    """TMDB ids already fetched by an interrupted walk (facts past its last page dropped)."""
    fetched: set[int] = set()
    if not part_path.exists():
        return fetched
    with part_path.open("r+b") as handle:
        handle.truncate(state.part_bytes)  # facts written after the last saved page
    with part_path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            try:
                fetched.add(int(json.loads(line)["tmdb_id"]))
            except (ValueError, KeyError, TypeError):
                raise DataError(
                    str(part_path), n, "unreadable import state: use --restart"
                ) from None
    return fetched


def _next_window(
    state: _State,
    results: list[dict[str, Any]],
    total_pages: int,
    max_pages: int,
    report: TmdbReport,
) -> None:
    """At the end of TMDB's 500-page window: continue from the last release date seen, or
    finish."""
    dates = [
        r["release_date"]
        for r in results
        if isinstance(r.get("release_date"), str) and _DATE.fullmatch(r["release_date"])
    ]
    last = max(dates) if dates else None
    if total_pages > max_pages and last is not None and last != state.cursor:
        state.cursor, state.page, state.total_pages = last, 0, None
    else:
        report.truncated = total_pages > max_pages
        state.complete = True


def _verdict(fact: Mapping[str, Any]) -> Verdict:
    if fact["during"] and fact["after"]:
        return Verdict.BOTH
    return Verdict.DURING if fact["during"] else Verdict.AFTER


def _agrees(recorded: Verdict, fact: Mapping[str, Any]) -> bool:
    """TMDB's keywords assert scenes; a missing keyword asserts nothing. They agree with a
    record when every scene they assert is one the record has too."""
    asserted = {p for p in ("during", "after") if fact[p]}
    return asserted <= recorded.allowed_positions  # Position values are these strings


def _imdb_records(path: Path, wanted: set[str]) -> dict[str, dict[str, Any]]:
    """The records of ``imdb.jsonl`` with one of the ``wanted`` IMDb ids (one quick pass)."""
    found: dict[str, dict[str, Any]] = {}
    if not wanted or not path.is_file():
        return found
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            m = _IMDB_IN_LINE.search(line)
            if m is None or m.group(1) not in wanted or m.group(1) in found:
                continue
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    found[m.group(1)] = record
    return found


def _previous(path: Path) -> dict[int, str]:
    """tmdb id -> verdict of the current ``tmdb.jsonl``."""
    verdicts: dict[int, str] = {}
    if not path.is_file():
        return verdicts
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
                record = json.loads(line)
                verdicts[int(record["tmdb_id"])] = str(record["credits"]["verdict"])
    return verdicts


def _unique_id(title: str, year: int, tmdb_id: int, taken: set[str]) -> str:
    slug = slugify(title, year)
    if slug not in taken:
        return slug
    suffix = f"-tmdb{tmdb_id}"
    head = slug[: 63 - len(suffix)].rstrip("-")
    return head + suffix


def _record(
    fact: Mapping[str, Any], verdict: Verdict, base: dict[str, Any] | None, taken: set[str]
) -> dict[str, Any]:
    credits = {"verdict": verdict.value, "source": SOURCE}
    if base is not None:  # an IMDb film: keep its id, titles and aliases
        record = dict(base)
        names = [record.get("title"), record.get("original_title"), *record.get("aliases", [])]
        keys = {normalize(n) for n in names if isinstance(n, str)}
        if normalize(fact["title"]) not in keys:
            record["aliases"] = [*record.get("aliases", []), fact["title"]]
        record["tmdb_id"] = fact["tmdb_id"]
        if record.get("runtime_minutes") is None and fact["runtime"] is not None:
            record["runtime_minutes"] = fact["runtime"]
        if record.get("popularity") is None and fact["votes"] is not None:
            record["popularity"] = fact["votes"]
        record["credits"] = credits
        return record
    record = {
        "id": _unique_id(fact["title"], fact["year"], fact["tmdb_id"], taken),
        "title": fact["title"],
        "year": fact["year"],
    }
    original = fact.get("original_title") or ""
    usable = any(ch.isalnum() for ch in original) and len(original) <= 300
    if usable and normalize(original) != normalize(fact["title"]):
        record["original_title"] = original
    for key, value in (
        ("imdb_id", fact["imdb_id"]),
        ("tmdb_id", fact["tmdb_id"]),
        ("runtime_minutes", fact["runtime"]),
        ("popularity", fact["votes"]),
    ):
        if value is not None:
            record[key] = value
    record["credits"] = credits
    return record


def _check_held(held: Held, fact: Mapping[str, Any], report: TmdbReport) -> bool:
    """Report a fact about a film a curated or ``db import`` record holds; True if held."""
    holder = held.find(
        Identity(normalize(fact["title"]), fact["year"], fact["imdb_id"], fact["tmdb_id"])
    )
    if holder is None:
        return False
    recorded = holder.film.credits.verdict
    note = Contradiction(
        holder.film.label,
        f"{holder.path}:{holder.line}",
        recorded.value,
        _verdict(fact).value,
        fact["tmdb_id"],
    )
    if recorded is Verdict.UNKNOWN:
        report.curated_unknown.append(note)
    elif _agrees(recorded, fact):
        report.agrees += 1
    else:
        report.contradictions.append(note)
    return True


def _records(data_dir: Path, part_path: Path, report: TmdbReport) -> list[dict[str, Any]]:
    """The records of the new ``tmdb.jsonl``, by the merge rules, and the report."""
    facts: dict[int, dict[str, Any]] = {}
    with part_path.open(encoding="utf-8") as handle:
        for line in handle:
            fact = json.loads(line)
            facts[int(fact["tmdb_id"])] = fact
    usable = []
    for fact in facts.values():
        if "skip" in fact:
            report.skipped[str(fact["skip"])] += 1
        else:
            usable.append(fact)
    report.tagged = len(usable)
    local = data_dir / "local"
    held = held_films(data_dir, LAYER_AFTERCREDITS)
    imdb = _imdb_records(local / IMDB_FILE, {f["imdb_id"] for f in usable if f["imdb_id"]})
    previous = _previous(local / TMDB_FILE)
    taken_ids = set(held.ids)
    taken_keys: set[tuple[str, int]] = set()
    taken_imdb: set[str] = set()
    records: list[dict[str, Any]] = []
    # The most voted of two TMDB entries for one film wins.
    for fact in sorted(usable, key=lambda f: (-(f["votes"] or 0), f["tmdb_id"])):
        if _check_held(held, fact, report):
            continue
        base = imdb.get(fact["imdb_id"]) if fact["imdb_id"] else None
        if base is not None:
            base_key = normalize(str(base.get("title", "")))
            if held.find(Identity(base_key, int(base.get("year", 0)), fact["imdb_id"])):
                base = None  # curated since the IMDb import: that record wins
        verdict = _verdict(fact)
        record = _record(fact, verdict, base, taken_ids)
        try:
            film = film_from_record(record, "TMDB", fact["tmdb_id"])
        except DataError:
            report.skipped["unusable record"] += 1
            continue
        key = (normalize(film.title), film.year)
        if key in taken_keys or film.id in taken_ids or (film.imdb_id or "") in taken_imdb:
            report.skipped["the same film twice on TMDB"] += 1
            continue
        taken_keys.add(key)
        taken_ids.add(film.id)
        if film.imdb_id:
            taken_imdb.add(film.imdb_id)
        before = previous.pop(fact["tmdb_id"], None)
        if before is None:
            if base is not None:
                report.upgraded += 1
            else:
                report.added += 1
        elif before != verdict.value:
            report.changed.append((film.label, before, verdict.value))
        else:
            report.unchanged += 1
        records.append(record)
    report.removed = len(previous)
    records.sort(key=lambda r: int(r["tmdb_id"]))
    return records


def _finish(
    data_dir: Path, db_path: Path | None, part_path: Path, report: TmdbReport
) -> tuple[Path, BuildReport | None]:
    records = _records(data_dir, part_path, report)
    dest = data_dir / "local" / TMDB_FILE
    with staged(dest) as tmp:
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        if db_path is None:
            os.replace(tmp, dest)
            return dest, None
        return dest, install_and_rebuild(tmp, dest, data_dir, db_path)


def _resume(state_path: Path, part_path: Path, restart: bool, report: TmdbReport) -> _State:
    """The state of an interrupted walk to continue, or a fresh one."""
    state = None if restart else _State.load(state_path)
    part_size = part_path.stat().st_size if part_path.exists() else 0
    if state is None or part_size < state.part_bytes:  # nothing to resume, or it is lost
        part_path.unlink(missing_ok=True)
        return _State()
    if state.page or state.cursor or state.complete:
        report.resumed_after = state.page
    return state


async def import_tmdb(
    data_dir: Path,
    db_path: Path | None,
    *,
    base_url: str,
    token: Secret | None,
    restart: bool = False,
    max_pages: int = MAX_PAGES,
    concurrency: int = CONCURRENCY,
    max_attempts: int = MAX_ATTEMPTS,
    max_wait: float = MAX_WAIT,
    sleep: Sleep = asyncio.sleep,
    progress: Progress | None = None,
) -> TmdbReport:
    """Walk TMDB's tagged films (resuming an interrupted walk), write ``tmdb.jsonl`` by
    the merge rules and rebuild the catalog at ``db_path`` (unless it is None)."""
    if token is None:
        raise ConfigError("TMDB_API_TOKEN is not set (in the environment or .env)")
    started = time.perf_counter()
    report = TmdbReport()
    local = data_dir / "local"
    local.mkdir(parents=True, exist_ok=True)
    state_path, part_path = local / STATE_FILE, local / PART_FILE
    state = _resume(state_path, part_path, restart, report)
    async with TmdbClient(
        base_url,
        token,
        sleep=sleep,
        max_attempts=max_attempts,
        max_wait=max_wait,
        concurrency=concurrency,
    ) as client:
        try:
            await _walk(
                client,
                state,
                state_path,
                part_path,
                max_pages=max_pages,
                report=report,
                progress=progress,
            )
        finally:
            report.requests = client.requests
            report.rate_limited = client.rate_limited
            report.waited = client.waited
    if progress is not None:
        progress.close(f"{report.pages} pages")
        progress.say("merging and rebuilding the catalog ...")
    report.written, report.build = await asyncio.to_thread(
        _finish, data_dir, db_path, part_path, report
    )
    state_path.unlink(missing_ok=True)
    part_path.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report
