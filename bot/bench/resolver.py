"""``credits-bot bench``: title resolution at 10k, 100k and 1M films, against a baseline.

What is synthetic: every catalog holds the bundled real films plus generated ones. The
generated titles are built from a vocabulary of real English title words and names in the
patterns film titles follow ("The Silent Harbor", "Ghost of the River", "Marlowe's
Promise", "Night Falcon 2", "Iron Orchard: The Last Winter", remakes that reuse a title
with another year), with Zipf-distributed popularity.

The queries are generated from films whose title is unique in the catalog (so "the right
answer" is well defined): exact (lowercased), one or two typos, the leading article
dropped or the subtitle separator removed, title plus year (for remade titles), the first
half of the words, and nonsense made of pronounceable non-words. Besides them, queries for
films that are *not* in the catalog measure the wrong-answer rate (the share answered with a
confident film): a sequel number one past the series ("X 3" when the catalog ends at
"X 2"), a title with a year more than one away from each of its films, a title spelt in
another script (Cyrillic) followed by a number that is itself a title or a year, and a
shared-word title ("The Harbor" made from "Night Falcon Harbor", or two words of two
titles) that is no title of the catalog nor within a typo of one. Our side runs in a fresh
process over the read-only catalog (so its RSS is the serving process's); the baseline,
rapidfuzz ``process.extractOne`` with ``WRatio`` over every title in memory, accepting a
score of 90 or more, runs in this process on the very same queries.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.bench.vocab import ADJECTIVES, NAMES, NOUNS, PLACES, ROMANS, SUBTITLES, SYLLABLES
from bot.models import Credits, Film, Found, NotFound, Verdict
from bot.normalize import normalize
from bot.records import film_to_record
from bot.settings import Settings
from bot.sources import iter_films, load_films, source_files
from bot.store.build import build_catalog


def _title(rng: random.Random) -> str:
    a, n, n2 = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
    the = "The " if rng.random() < 0.5 else ""
    pattern = rng.randrange(11)
    if pattern == 0:
        t = f"{the}{a} {n}"
    elif pattern == 1:
        t = f"{n} of the {n2}"
    elif pattern == 2:
        t = f"{rng.choice(NAMES)}'s {n}"
    elif pattern == 3:
        t = f"{a} {n} {n2}"
    elif pattern == 4:
        t = f"{the}{n} in {rng.choice(PLACES)}"
    elif pattern == 5:
        t = f"{rng.choice(NAMES)} and the {a} {n}"
    elif pattern == 6:
        t = f"{a} {n}s"
    elif pattern == 7:
        t = f"{the}{n} {n2}"
    elif pattern == 8:
        t = f"{rng.choice(NAMES)} {rng.choice(NAMES)}"
    elif pattern == 9:
        t = f"A {n} for {rng.choice(NAMES)}"
    else:
        t = f"{the}{a} {n} of {rng.choice(PLACES)}"
    return " ".join(w[:1].upper() + w[1:] for w in t.split())


def generate_films(size: int, seed: int, real: list[Film]) -> list[Film]:
    """``size`` films: the real ones first, then synthetic ones with sequels and remakes."""
    rng = random.Random(seed)
    films: list[Film] = list(real[:size])
    used: set[tuple[str, int]] = {(normalize(f.title), f.year) for f in films}
    bases: list[str] = []
    n = len(films)
    while len(films) < size:
        roll = rng.random()
        if bases and roll < 0.12:
            base = rng.choice(bases)
            kind = rng.randrange(3)
            if kind == 0:
                title = f"{base} {rng.randint(2, 5)}"
            elif kind == 1:
                title = f"{base} {rng.choice(ROMANS)}"
            else:
                title = f"{base}: {rng.choice(SUBTITLES)}"
        elif bases and roll < 0.16:
            title = rng.choice(bases)  # a remake: same title, another year
        else:
            title = _title(rng)
            if len(bases) < 200_000:
                bases.append(title)
        year = rng.randint(1920, 2025)
        key = (normalize(title), year)
        if key in used:
            continue
        used.add(key)
        n += 1
        rank = rng.random()
        films.append(
            Film(
                id=f"syn-{n}",
                title=title,
                year=year,
                popularity=int(2_000_000 * rank**6),
                runtime_minutes=rng.randint(75, 180),
                credits=Credits(verdict=Verdict.UNKNOWN),
            )
        )
    return films


def _typo(rng: random.Random, text: str) -> str:
    chars = list(text)
    letters = [i for i, c in enumerate(chars) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    op = rng.randrange(4)
    if op == 0:
        chars[i] = rng.choice("abcdefghijklmnopqrstuvwxyz")
    elif op == 1:
        del chars[i]
    elif op == 2 and i + 1 < len(chars):
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    else:
        chars.insert(i, chars[i])
    return "".join(chars)


def _nonsense(rng: random.Random) -> str:
    words = rng.randint(1, 4)
    return " ".join(
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))) for _ in range(words)
    )


def generate_queries(films: list[Film], count: int, seed: int) -> list[dict[str, Any]]:
    """Queries with the film id they should find (``None`` for nonsense)."""
    rng = random.Random(seed + 1)
    by_title: dict[str, list[Film]] = {}
    for f in films:
        by_title.setdefault(normalize(f.title), []).append(f)
    unique = [fs[0] for fs in by_title.values() if len(fs) == 1 and len(fs[0].title) >= 4]
    remade = [fs for fs in by_title.values() if len({f.year for f in fs}) > 1]
    kinds = ("exact", "typo", "typo2", "article", "year", "partial", "nonsense")
    queries: list[dict[str, Any]] = []
    known = set(by_title)
    while len(queries) < count:
        kind = kinds[len(queries) % len(kinds)]
        if kind == "nonsense":
            text = _nonsense(rng)
            if normalize(text) in known:
                continue
            queries.append({"kind": kind, "query": text, "expect": None})
            continue
        if kind == "year" and remade:
            group = rng.choice(remade)
            film = rng.choice(group)
            if sum(abs(f.year - film.year) <= 1 for f in group) > 1:
                continue
            queries.append(
                {"kind": kind, "query": f"{film.title.lower()} {film.year}", "expect": film.id}
            )
            continue
        film = rng.choice(unique)
        title = film.title.lower()
        if kind == "exact":
            text = title
        elif kind == "typo":
            text = _typo(rng, title)
        elif kind == "typo2":
            text = _typo(rng, _typo(rng, title))
        elif kind == "article":
            words = title.replace(":", "").split()
            text = " ".join(words[1:]) if words[0] in ("the", "a", "an") else f"the {title}"
        else:
            words = title.split()
            if len(words) < 4:
                continue
            text = " ".join(words[: (len(words) + 1) // 2 + 1])
        queries.append({"kind": kind, "query": text, "expect": film.id})
    return queries


_CYRILLIC = str.maketrans(
    {
        "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х",
        "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п",
        "q": "к", "r": "р", "s": "с", "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс",
        "y": "й", "z": "з",
    }
)  # fmt: skip
ABSENT_KINDS = ("absent-sequel", "absent-year", "absent-script", "absent-shared")


def _series(keys: list[str]) -> dict[str, int]:
    """A series: a key without its trailing number -> the highest number held."""
    series: dict[str, int] = {}
    for key in keys:
        base, _, last = key.rpartition(" ")
        if base and last.isdigit() and int(last) < 20:
            series[base] = max(series.get(base, 1), int(last))
        else:
            series.setdefault(key, 1)
    return series


def _shared_word(rng: random.Random, pool: list[Film], films: list[Film]) -> str | None:
    """A title made of one long word of a film and "the" or a word of another film."""
    film = rng.choice(pool)
    words = [w for w in normalize(film.title).split() if len(w) >= 5 and w.isalpha()]
    if not words:
        return None
    word = max(words, key=len)
    if rng.random() < 0.5:
        return f"the {word}"
    other = [w for w in normalize(rng.choice(films).title).split() if len(w) >= 4]
    return f"{word} {rng.choice(other)}" if other else None


def generate_absent(films: list[Film], count: int, seed: int) -> list[dict[str, Any]]:
    """Queries for films the catalog does not hold (``expect`` is ``None``)."""
    from rapidfuzz import fuzz, process

    rng = random.Random(seed + 2)
    by_key: dict[str, list[Film]] = {}
    for f in films:
        by_key.setdefault(normalize(f.title), []).append(f)
    names = {normalize(n) for f in films for n in (f.original_title, *f.aliases) if n}
    keys = list(by_key.keys() | names)
    compacts = {k.replace(" ", "") for k in keys}
    series = _series(keys)
    bases = [b for b in series if len(b) >= 4]
    numeric = [k for k in keys if k.isdigit()] or ["2012"]
    synthetic = [f for f in films if f.id.startswith("syn-")] or films
    long_titles = [f for f in films if len(normalize(f.title).split()) >= 3]

    def absent(text: str, *, near: bool = False) -> bool:
        key = normalize(text)
        if not key or key.replace(" ", "") in compacts:
            return False
        if not near:
            return True
        # Not within a typo of a name, and no name holds all of its words.
        close = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=88)
        holder = process.extractOne(key, keys, scorer=fuzz.token_set_ratio, score_cutoff=100)
        return close is None and holder is None

    queries: list[dict[str, Any]] = []
    attempts = 0
    while len(queries) < count and attempts < count * 50:
        attempts += 1
        kind = ABSENT_KINDS[len(queries) % len(ABSENT_KINDS)]
        if kind == "absent-sequel":
            base = rng.choice(bases)
            text = f"{base} {series[base] + 1}"
            ok = absent(text)
        elif kind == "absent-year":
            film = rng.choice(films)
            years = [f.year for f in by_key[normalize(film.title)]]
            year = rng.randint(1920, 2025)
            text = f"{film.title.lower()} {year}"
            ok = all(abs(year - y) > 1 for y in years) and absent(text)
        elif kind == "absent-script":
            film = rng.choice(synthetic)
            number = rng.choice(numeric) if rng.random() < 0.5 else str(rng.randint(1920, 2025))
            text = f"{film.title.lower().translate(_CYRILLIC)} {number}"
            ok = absent(text)
        else:
            shared = _shared_word(rng, long_titles or films, films)
            if shared is None:
                continue
            text = shared
            ok = absent(text, near=True)
        if ok:
            queries.append({"kind": kind, "query": text, "expect": None})
    return queries


CONCURRENT = 1000
AMBIGUOUS = "<ambiguous>"


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _reset_peak_rss() -> None:
    """Forget the peak RSS inherited from the parent (Linux: clear_refs 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _rss_mb() -> float:
    """Peak resident memory of this process since the reset, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def _probe(db: Path, queries: list[dict[str, Any]], prefixes: list[str]) -> dict[str, Any]:
    from bot.service import CreditsService

    async with await CreditsService.open(db) as service:
        # As a serving process does at start (bot.live): the catalog file read through once.
        _, warm_s = await service.warm()
        await service.ask("warm up")
        ask_ms: list[float] = []
        results: list[str | None] = []
        for q in queries:
            t0 = time.perf_counter()
            answer = await service.ask(q["query"])
            ask_ms.append((time.perf_counter() - t0) * 1000)
            if isinstance(answer, Found):
                results.append(answer.film.id)
            elif isinstance(answer, NotFound):
                results.append(None)
            else:
                results.append(AMBIGUOUS)
        suggest_ms: list[float] = []
        for p in prefixes:
            t0 = time.perf_counter()
            await service.suggest(p, 25)
            suggest_ms.append((time.perf_counter() - t0) * 1000)
        # 1,000 asks in flight at once through the one service (and its one connection).
        texts = [q["query"] for q in queries] or ["warm up"]
        batch = [texts[i % len(texts)] for i in range(CONCURRENT)]
        t0 = time.perf_counter()
        await asyncio.gather(*(service.ask(t) for t in batch))
        concurrent_s = time.perf_counter() - t0
    return {
        "ask_ms": ask_ms,
        "results": results,
        "suggest_ms": suggest_ms,
        "rss_mb": _rss_mb(),
        "concurrent_asks_per_s": CONCURRENT / concurrent_s,
        "warm_s": warm_s,
    }


def probe_main(argv: list[str]) -> int:
    """``python -m bot.bench.resolver probe DB QUERIES.json``: our side, in a fresh process."""
    _reset_peak_rss()
    db, spec = Path(argv[0]), json.loads(Path(argv[1]).read_text())
    out = asyncio.run(_probe(db, spec["queries"], spec["prefixes"]))
    print(json.dumps(out))
    return 0


def _score(queries: list[dict[str, Any]], results: list[str | None]) -> tuple[float, float, float]:
    """Top-1 over the queries with an answer, the share of nonsense rejected, and the
    wrong-answer rate: the share of queries for absent films answered with a film."""
    pairs = list(zip(queries, results, strict=True))
    real = [(q, r) for q, r in pairs if q["expect"] is not None]
    nonsense = [r for q, r in pairs if q["kind"] == "nonsense"]
    absent = [r for q, r in pairs if q["kind"] in ABSENT_KINDS]
    top1 = sum(r == q["expect"] for q, r in real) / max(1, len(real))
    rejected = sum(r is None for r in nonsense) / max(1, len(nonsense))
    wrong = sum(r not in (None, AMBIGUOUS) for r in absent) / max(1, len(absent))
    return top1, rejected, wrong


def _baseline(films: list[Film], queries: list[dict[str, Any]]) -> dict[str, Any]:
    from rapidfuzz import fuzz, process, utils

    titles = [f.title for f in films]
    ms: list[float] = []
    results: list[str | None] = []
    for q in queries:
        t0 = time.perf_counter()
        best = process.extractOne(
            q["query"], titles, scorer=fuzz.WRatio, processor=utils.default_process
        )
        ms.append((time.perf_counter() - t0) * 1000)
        results.append(films[best[2]].id if best is not None and best[1] >= 90 else None)
    top1, rejected, wrong = _score(queries, results)
    return {
        "p50": statistics.median(ms),
        "p99": _percentile(ms, 0.99),
        "top1": top1,
        "rejected": rejected,
        "wrong": wrong,
    }


def _cold_start(db: Path, query: str, runs: int = 3) -> float:
    times: list[float] = []
    env = {**os.environ, "CREDITS_DATA_DIR": str(db.parent / "no-data")}
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "credits_bot", "ask", "--db", str(db), "--json", query],
            check=False,
            capture_output=True,
            env=env,
        )
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _build(films: list[Film], workdir: Path, size: int) -> tuple[Path, float]:
    """Write the films as JSON Lines and build a catalog from them; returns the seconds."""
    data = workdir / f"films-{size}.jsonl"
    with data.open("w", encoding="utf-8") as handle:
        for f in films:
            handle.write(json.dumps(film_to_record(f), ensure_ascii=False) + "\n")
    db = workdir / f"catalog-{size}.sqlite"
    t0 = time.perf_counter()
    build_catalog((x.film for x in iter_films([data])), db)
    return db, time.perf_counter() - t0


def _by_kind(queries: list[dict[str, Any]], results: list[str | None]) -> dict[str, float]:
    """Top-1 per kind of query (for nonsense: the share rejected)."""
    by_kind: dict[str, float] = {}
    for kind in sorted({q["kind"] for q in queries}):
        pairs = [(q, r) for q, r in zip(queries, results, strict=True) if q["kind"] == kind]
        ok = sum((r == q["expect"]) if q["expect"] else (r is None) for q, r in pairs)
        by_kind[kind] = round(ok / len(pairs), 3)
    return by_kind


def bench_size(
    size: int, workdir: Path, n_queries: int, real: list[Film], log: Any
) -> dict[str, Any]:
    films = generate_films(size, seed=size, real=real)
    log(f"[{size}] building ...")
    db, build_s = _build(films, workdir, size)
    queries = generate_queries(films, n_queries, seed=size)
    queries += generate_absent(films, max(4, n_queries // 2), seed=size)
    rng = random.Random(size + 7)
    prefixes = []
    for f in rng.sample(films, min(len(films), 300)):
        t = normalize(f.title)
        prefixes.append(t[: rng.randint(1, max(1, min(len(t), 12)))])
    spec = workdir / f"queries-{size}.json"
    spec.write_text(json.dumps({"queries": queries, "prefixes": prefixes}))
    log(f"[{size}] resolving {len(queries)} queries in a fresh process ...")
    proc = subprocess.run(
        [sys.executable, "-m", "bot.bench.resolver", "probe", str(db), str(spec)],
        check=True,
        capture_output=True,
        text=True,
    )
    ours = json.loads(proc.stdout)
    top1, rejected, wrong = _score(queries, ours["results"])
    log(f"[{size}] baseline on the same queries ...")
    base = _baseline(films, queries)
    cold = _cold_start(db, queries[0]["query"])
    result = {
        "size": size,
        "queries": len(queries),
        "ask_p50_ms": round(statistics.median(ours["ask_ms"]), 2),
        "ask_p99_ms": round(_percentile(ours["ask_ms"], 0.99), 2),
        "suggest_p50_ms": round(statistics.median(ours["suggest_ms"]), 2),
        "suggest_p99_ms": round(_percentile(ours["suggest_ms"], 0.99), 2),
        "top1": round(top1, 3),
        "nonsense_rejected": round(rejected, 3),
        "wrong_answer_rate": round(wrong, 4),
        "absent_queries": sum(q["kind"] in ABSENT_KINDS for q in queries),
        "concurrent_asks_per_s": round(ours["concurrent_asks_per_s"]),
        "by_kind": _by_kind(queries, ours["results"]),
        "baseline_p50_ms": round(base["p50"], 2),
        "baseline_p99_ms": round(base["p99"], 2),
        "baseline_top1": round(base["top1"], 3),
        "baseline_nonsense_rejected": round(base["rejected"], 3),
        "baseline_wrong_answer_rate": round(base["wrong"], 4),
        "speedup_p50": round(base["p50"] / max(statistics.median(ours["ask_ms"]), 1e-6), 1),
        "build_s": round(build_s, 2),
        "db_mb": round(db.stat().st_size / 1e6, 1),
        "rss_mb": round(ours["rss_mb"], 1),
        "warm_s": round(ours["warm_s"], 2),
        "cold_start_ms": round(cold, 1),
    }
    return result


def _table(rows: list[dict[str, Any]]) -> str:
    cols = [
        ("size", "films"), ("ask_p50_ms", "ask p50"), ("ask_p99_ms", "ask p99"),
        ("suggest_p99_ms", "sugg p99"), ("top1", "top-1"), ("nonsense_rejected", "rejected"),
        ("wrong_answer_rate", "wrong"), ("concurrent_asks_per_s", "asks/s @1000"),
        ("baseline_p50_ms", "base p50"), ("baseline_top1", "base top-1"),
        ("baseline_nonsense_rejected", "base rej"), ("baseline_wrong_answer_rate", "base wrong"),
        ("speedup_p50", "speedup"),
        ("build_s", "build s"), ("db_mb", "db MB"), ("rss_mb", "RSS MB"),
        ("warm_s", "warm s"), ("cold_start_ms", "cold ms"),
    ]  # fmt: skip
    lines = [" | ".join(h for _, h in cols)]
    for r in rows:
        lines.append(" | ".join(str(r[k]) for k, _ in cols))
    return "\n".join(lines)


def run_bench(args: argparse.Namespace, settings: Settings) -> int:
    try:
        sizes = [int(s) for s in str(args.sizes).split(",") if s.strip()]
    except ValueError:
        print("credits-bot: --sizes takes numbers, e.g. 10000,100000", file=sys.stderr)
        return 2
    if not sizes or any(s < 100 for s in sizes):
        print("credits-bot: each size must be at least 100", file=sys.stderr)
        return 2
    files = source_files(settings.data_dir, include_local=False, include_known=False)
    real = [x.film for x in load_films(files)]
    real = [replace(f, popularity=f.popularity or 1000) for f in real]

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="credits-bench-", dir=args.workdir) as tmp:
        for size in sizes:
            rows.append(bench_size(size, Path(tmp), args.queries, real, log))
            if not args.json:
                log(_table(rows[-1:]))
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(_table(rows))
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "probe":
        sys.exit(probe_main(sys.argv[2:]))
    sys.exit(2)
