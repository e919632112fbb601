"""``python -m bot.bench.imports --rows N``: an IMDb import at scale, timed and measured.

Generates IMDb-format ``title.basics``, ``title.akas`` and ``title.ratings`` files
(gzip, ids sorted as text like IMDb's, a realistic mix of title types: about 80 % films,
episodes, TV movies, shorts, adult films, films without a year) in a temporary
directory, beside a copy of the curated ``data/*.jsonl``. Then, each in a fresh process
so that its peak RSS is its own:

1. ``credits-bot db import-imdb basics akas --ratings ratings`` (stream, write
   ``data/local/imdb.jsonl``, rebuild the catalog);
2. ``credits-bot db build`` again (the catalog build alone, streaming from the files).

Prints one JSON object: rows, films, times, peak RSS, catalog and file sizes. Not part of
the test suite: at 1,000,000 rows it runs for minutes.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.bench.vocab import ADJECTIVES, NAMES, NOUNS, PLACES, SUBTITLES
from bot.imports.imdb import AKAS_COLUMNS, BASICS_COLUMNS, RATINGS_COLUMNS
from bot.settings import DEFAULT_DATA_DIR

_KINDS = (
    ("movie", 0.80),
    ("tvEpisode", 0.10),
    ("tvMovie", 0.04),
    ("short", 0.03),
    ("tvSeries", 0.03),
)
_REGIONS = ("US", "GB", "FR", "DE", "ES", "IT", "JP", "BR", "XWW", "CA")


def _title(rng: random.Random) -> str:
    a, n, n2 = rng.choice(ADJECTIVES), rng.choice(NOUNS), rng.choice(NOUNS)
    shape = rng.randrange(8)
    if shape == 0:
        t = f"the {a} {n}"
    elif shape == 1:
        t = f"{n} of the {n2}"
    elif shape == 2:
        t = f"{rng.choice(NAMES)}'s {a} {n}"
    elif shape == 3:
        t = f"{a} {n} in {rng.choice(PLACES)}"
    elif shape == 4:
        t = f"{a} {n} {rng.randint(2, 4)}"
    elif shape == 5:
        t = f"{a} {n}: {rng.choice(SUBTITLES)}"
    elif shape == 6:
        t = f"{rng.choice(NAMES)} and the {n2}"
    else:
        t = f"{a} {n} {n2}"
    return " ".join(w[:1].upper() + w[1:] for w in t.split())


def generate(rows: int, workdir: Path, seed: int = 1) -> tuple[Path, Path, Path]:
    """Write the three gzip files; ``rows`` lines of basics (plus a header)."""
    rng = random.Random(seed)
    ids = sorted(f"tt{n:07d}" for n in rng.sample(range(1, max(40_000_000, rows * 4)), rows))
    kinds = [k for k, _ in _KINDS]
    weights = [w for _, w in _KINDS]
    basics = workdir / "title.basics.tsv.gz"
    akas = workdir / "title.akas.tsv.gz"
    ratings = workdir / "title.ratings.tsv.gz"
    with (
        gzip.open(basics, "wt", encoding="utf-8", compresslevel=5) as b,
        gzip.open(akas, "wt", encoding="utf-8", compresslevel=5) as a,
        gzip.open(ratings, "wt", encoding="utf-8", compresslevel=5) as r,
    ):
        b.write("\t".join(BASICS_COLUMNS) + "\n")
        a.write("\t".join(AKAS_COLUMNS) + "\n")
        r.write("\t".join(RATINGS_COLUMNS) + "\n")
        for tconst in ids:
            kind = rng.choices(kinds, weights)[0]
            title = _title(rng)
            year = "\\N" if rng.random() < 0.02 else str(rng.randint(1910, 2025))
            adult = "1" if rng.random() < 0.01 else "0"
            runtime = "\\N" if rng.random() < 0.15 else str(rng.randint(60, 180))
            original = _title(rng) if rng.random() < 0.2 else title
            b.write(
                f"{tconst}\t{kind}\t{title}\t{original}\t{adult}\t{year}\t\\N\t{runtime}\tDrama\n"
            )
            n_akas = rng.choice((0, 1, 2, 3, 4, 6, 8)) if kind == "movie" else rng.randint(0, 1)
            for i in range(1, n_akas + 1):
                name = title if i == 1 else (_title(rng) if rng.random() < 0.6 else title.upper())
                region = rng.choice(_REGIONS)
                a.write(f"{tconst}\t{i}\t{name}\t{region}\t\\N\timdbDisplay\t\\N\t0\n")
            if rng.random() < 0.6:
                r.write(f"{tconst}\t{rng.randint(10, 90) / 10}\t{int(rng.paretovariate(1.2))}\n")
    return basics, akas, ratings


def _run_measured(argv: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(argv)} failed:\n{err.read()}")
        return seconds, usage.ru_maxrss / 1024, out.read()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot.bench.imports", description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of title.basics")
    parser.add_argument("--workdir", type=Path, help="keep the files here (default: a temp dir)")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="imdb-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    try:
        t0 = time.perf_counter()
        basics, akas, ratings = generate(args.rows, workdir)
        generated = time.perf_counter() - t0
        data = workdir / "data"
        shutil.rmtree(data, ignore_errors=True)
        data.mkdir()
        for path in DEFAULT_DATA_DIR.glob("*.jsonl"):
            shutil.copy(path, data / path.name)
        db = workdir / "catalog.sqlite"
        env = {**os.environ, "CREDITS_DATA_DIR": str(data), "CREDITS_DB": str(db)}
        cli = [sys.executable, "-m", "credits_bot"]
        import_s, import_rss, out = _run_measured(
            [*cli, "db", "import-imdb", str(basics), str(akas), "--ratings", str(ratings)], env
        )
        build_s, build_rss, _ = _run_measured([*cli, "db", "build"], env)
        films = re.search(r"imported ([\d,]+) films", out)
        rebuilt = re.search(r"catalog rebuilt: ([\d,]+) films, ([\d,]+) names in ([\d.]+)s", out)
        streamed = re.search(r"read ([\d,]+) rows in ([\d.]+)s", out)
        result: dict[str, Any] = {
            "rows": args.rows,
            "imdb_films": int(films.group(1).replace(",", "")) if films else None,
            "catalog_films": int(rebuilt.group(1).replace(",", "")) if rebuilt else None,
            "catalog_names": int(rebuilt.group(2).replace(",", "")) if rebuilt else None,
            "import_total_s": round(import_s, 1),
            "import_stream_s": float(streamed.group(2)) if streamed else None,
            "import_rebuild_s": float(rebuilt.group(3)) if rebuilt else None,
            "import_peak_rss_mb": round(import_rss, 1),
            "build_alone_s": round(build_s, 1),
            "build_alone_peak_rss_mb": round(build_rss, 1),
            "input_gz_mb": round(sum(p.stat().st_size for p in (basics, akas, ratings)) / 1e6, 1),
            "imdb_jsonl_mb": round((data / "local" / "imdb.jsonl").stat().st_size / 1e6, 1),
            "catalog_mb": round(db.stat().st_size / 1e6, 1),
            "generate_s": round(generated, 1),
        }
        sys.stderr.write(out)
        sys.stderr.flush()
        print(json.dumps(result))
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
