"""Match aftercredits.com's own verdicts to our films (a maintainer's tool).

aftercredits.com files every film it has looked at under "Stingers" (something during or
after the credits, with "During Credits" / "After Credits" / "Both During & After Credits")
or "Non-Stingers" (nothing during or after). The Kometa map we bundle carries only the
first group, so a film the site checked and found empty was ``unknown`` here. A public
index of both groups, keyed by the site's own title and year with the post's address, is
copied row by row into a TSV (not committed; see ``data/README.md``)::

    KEY<TAB>s<TAB>d<TAB>a<TAB>URL-PATH
    hot spot|2026	no	0	0	2026/08/hot-spot-2026

This script matches those rows to the films of the built catalog and of the facts file by
title and year and writes ``data/checks/aftercredits-posts-2026-10.jsonl``: one line per
film whose credits we had not recorded, with the post as the page that settles them. Run::

    credits-bot db build
    python scripts/match_listing_posts.py --shared ../shared/data --index ROWS.tsv \
        [--mediastinger MS.tsv]
    python scripts/build_bundled_data.py --shared ../shared/data

A row is used only when it names exactly one film (no other film of that title within a
year either way, in our catalog or the facts file), its title agrees with its own post
address, and nothing we hold says otherwise: a "Non-Stingers" row is dropped when TMDB's
keywords, the Kometa map or mediastinger.com's post-credits category put something after
the credits, or when the row itself places an extra.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.imports.aftercredits import read_map  # noqa: E402

OUT = ROOT / "data" / "checks" / "aftercredits-posts-2026-10.jsonl"
OUTLET = "aftercredits.com"
SITE = "https://aftercredits.com/"
VIA = "realkose1/cookiecheck-data data/ac-index.json (commit 5642e24, synced 2026-10-02)"
ENTITY_CODES = {"038", "039", "8211", "8212", "8216", "8217", "8220", "8221", "8230"}
"""HTML character references the index left in its keys ("lee cronin 8217 s the mummy")."""
HELD_BACK = {
    "beautyandthebeast|1991": (
        "the credits end on the dedication to Howard Ashman, which the site's 2012 post"
        " does not count; we record dedications as an extra of their own"
    ),
}
"""Rows not taken, by ``KEY|YEAR``, with the reason: what we know of the film says there
is something in its credits that the post leaves out."""
ROW = re.compile(r"^(?P<key>[^\t]+)\t(?P<s>yes|no)\t(?P<d>[01])\t(?P<a>[01])\t(?P<path>\S+)$")
POST = re.compile(r"^\d{4}/\d{2}/(?P<slug>[a-z0-9-]+?)-(?P<year>\d{4})$")


def compact(title: str) -> str:
    """The index's own normalisation, without spaces: lower case, no leading or trailing
    article, letters and digits only ("Odyssey, The" and "The Odyssey" meet)."""
    s = unicodedata.normalize("NFKD", title).lower()
    s = re.sub(r"\((19|20)\d{2}\)", "", s).strip().rstrip("*").strip()
    s = re.sub(r"^(.*),\s*(the|a|an)$", r"\2 \1", s)
    s = re.sub(r"^(the|a|an)\s+", "", s)
    words = re.sub(r"[^a-z0-9]+", " ", s).split()
    return "".join(w for w in words if w not in ENTITY_CODES)


STOP_WORDS = frozenset((
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but",
    "by", "can", "could", "did", "do", "does", "doing", "don", "down", "during", "each", "few",
    "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers",
    "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "just", "me", "more",
    "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other",
    "our", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "through", "to",
    "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where",
    "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your",
))  # fmt: skip
"""Words the site's post addresses left out for a while (2017-2018: "/call-name-2017/")."""


def spells(words: list[str], slug: str) -> bool:
    """The post address spells this title: the same letters, or the title's words in
    order with only :data:`STOP_WORDS` left out."""
    if "".join(words) == slug.replace("-", "") or compact(" ".join(words)) == slug.replace("-", ""):
        return True
    parts, i = slug.split("-"), 0
    for w in words:
        if i < len(parts) and w == parts[i]:
            i += 1
        elif w not in STOP_WORDS:
            return False
    return i == len(parts) and i > 0


def read_rows(paths: list[Path]) -> tuple[list[dict[str, Any]], list[str]]:
    """The index rows, each checked against its own post address (a copying slip shows
    as a title the address does not spell); the bad ones are returned as messages."""
    rows, bad = [], []
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            m = ROW.match(line)
            if m is None:
                bad.append(f"{path.name}:{n}: not a row: {line!r}")
                continue
            key, _, year_text = m["key"].rpartition("|")
            post = POST.match(m["path"])
            if not year_text.isdigit() or post is None:
                bad.append(f"{path.name}:{n}: no year or odd address: {line!r}")
                continue
            slug = re.sub(r"^(the|a|an)-|-(the|a|an)$", "", post["slug"])
            words = [w for w in key.split() if w not in ENTITY_CODES]
            joined = key.replace(" 8217 ", "").replace(" 038 ", " and ").split()
            if not spells(words, slug) and not spells(joined, slug):
                bad.append(f"{path.name}:{n}: title {key!r} is not the address {m['path']!r}")
                continue
            if int(year_text) != int(post["year"]):
                bad.append(f"{path.name}:{n}: year {year_text} is not the address's")
                continue
            rows.append(
                {
                    "key": compact(key),
                    "year": int(year_text),
                    "yes": m["s"] == "yes",
                    "during": m["d"] == "1",
                    "after": m["a"] == "1",
                    "url": f"{SITE}{m['path']}/",
                    "where": f"{path.name}:{n}",
                }
            )
    return rows, bad


def finding_of(row: dict[str, Any]) -> str | None:
    """The verdict a row gives; None when it contradicts itself (filed under
    "Non-Stingers" and under a credits position)."""
    if not row["yes"]:
        return None if row["during"] or row["after"] else "none"
    if row["during"] and row["after"]:
        return "both"
    return "during" if row["during"] else ("after" if row["after"] else "some")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--shared", type=Path, required=True)
    p.add_argument("--index", type=Path, nargs="+", required=True)
    p.add_argument("--mediastinger", type=Path, help="the same for mediastinger.com's index")
    p.add_argument("--db", type=Path, default=ROOT / "var" / "catalog.sqlite")
    args = p.parse_args()

    rows, bad = read_rows(args.index)
    for message in bad:
        print(f"skipped: {message}", file=sys.stderr)
    by_post: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_post[(r["key"], r["year"])].append(r)

    # mediastinger.com's "post-credits scene" / "post-credits extra" categories.
    ms_after: set[tuple[str, int]] = set()
    if args.mediastinger:
        ms_after = {(k, y) for k, y, yes in read_ms(args.mediastinger) if yes}

    listed = read_map(args.shared / "aftercredits.yml")
    facts: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    stinger_ids: set[str] = set()
    with gzip.open(args.shared / "facts.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            f = json.loads(line)
            if f.get("title") and isinstance(f.get("year"), int):
                facts[(compact(str(f["title"])), f["year"])].append(f)
                st = f.get("stinger") or {}
                if (st.get("during") or st.get("after")) and f.get("imdb_id"):
                    stinger_ids.add(f["imdb_id"])
    tmdb_rows = [
        json.loads(line)
        for path in sorted((ROOT / "data" / "checks" / "tmdb").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    tmdb_keys = {(compact(r["title"]), r["year"] + d) for r in tmdb_rows for d in (-1, 0, 1)}
    tmdb_ids = {r["imdb_id"] for r in tmdb_rows if r.get("imdb_id")}

    # Films an earlier check settles (a press page, or an aftercredits.com post read by hand).
    checked: set[str] = set()
    for path in sorted((ROOT / "data" / "checks").glob("press-*.jsonl")):
        for text in path.read_text(encoding="utf-8").splitlines():
            if text.strip():
                c = json.loads(text)
                checked.add(c.get("imdb_id") or "")
                checked.update(f"{compact(c['title'])}|{c['year'] + d}" for d in (-1, 0, 1))
    checked.discard("")

    catalog: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    by_alias: dict[tuple[str, int], list[dict[str, Any]]] = defaultdict(list)
    con = sqlite3.connect(args.db)
    for fid, title, year, verdict, record in con.execute(
        "SELECT id, title, year, verdict, record FROM films"
    ):
        rec = json.loads(record)
        source = (rec.get("credits") or {}).get("source") or ""
        mine = source.startswith(f"{OUTLET} ({SITE}")  # a verdict this script wrote
        film = {
            "id": fid,
            "title": title,
            "year": year,
            "imdb_id": rec.get("imdb_id"),
            "verdict": "unknown" if mine else verdict,
            "source": source,
        }
        catalog[(compact(title), year)].append(film)
        for alias in {compact(a) for a in rec.get("aliases") or []} - {compact(title)}:
            by_alias[(alias, year)].append(film)  # "The Empire Strikes Back"

    out: list[dict[str, Any]] = []
    stats: Counter[str] = Counter()
    compare: Counter[tuple[str, str]] = Counter()
    disagree: list[str] = []
    used: set[str] = set()
    for (key, year), posts in sorted(by_post.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        if len({finding_of(r) for r in posts}) > 1:
            stats["two posts disagree"] += 1
            continue
        row = posts[0]
        finding = finding_of(row)
        if f"{key}|{year}" in HELD_BACK:
            stats["held back with a reason"] += 1
            disagree.append(f"{key} ({year}): held back: {HELD_BACK[f'{key}|{year}']}")
            continue
        if finding is None:
            stats["row contradicts itself"] += 1
            continue
        window = [(key, year + d) for d in (0, -1, 1)]
        ours = [f for k in window for f in catalog.get(k, [])]
        if not ours:  # a film we hold under another title, if the ids do not differ
            ours = [f for k in window for f in by_alias.get(k, [])]
        theirs = [f for k in window for f in facts.get(k, [])]
        ids = {f["imdb_id"] for f in theirs if f.get("imdb_id")}
        ids |= {f["imdb_id"] for f in ours if f.get("imdb_id")}
        films = {f["id"] for f in ours}
        if len(ids) > 1 or len(films) > 1:
            stats["two films of that title"] += 1
            continue
        if any((key, year + d) in by_post for d in (-1, 1)):
            stats["two posts of that title"] += 1
            continue
        if ours:
            film = ours[0]
            imdb_id = film["imdb_id"] or (ids.pop() if ids else None)
            title, fyear = film["title"], film["year"]
            verdict = film["verdict"]
        elif theirs:
            f = theirs[0]
            runtime = f.get("runtime_minutes")
            if runtime is not None and runtime < 40:
                stats["a short"] += 1
                continue
            imdb_id, title, fyear, verdict = (
                f.get("imdb_id"),
                " ".join(f["title"].split()),
                f["year"],
                "unknown",
            )
        else:
            stats["no film of ours or the facts file"] += 1
            continue
        if imdb_id in listed:
            stats["in the Kometa map"] += 1
            continue
        if imdb_id in checked or f"{key}|{fyear}" in checked:
            stats["settled by an earlier check"] += 1
            continue
        if verdict != "unknown":
            compare[(verdict, finding)] += 1
            if (finding == "none") != (verdict == "none") and verdict != "some":
                disagree.append(f"{title} ({fyear}): ours {verdict}, post {finding} {row['url']}")
            continue
        if finding == "none":
            why = None
            if imdb_id in stinger_ids or imdb_id in tmdb_ids or (key, year) in tmdb_keys:
                why = "TMDB keyword"
            elif any(k in ms_after for k in window):
                why = "mediastinger post-credits"
            if why:
                stats[f"none dropped: {why}"] += 1
                disagree.append(f"{title} ({fyear}): post none, {why} says otherwise {row['url']}")
                continue
        if (imdb_id or f"{key}|{fyear}") in used:
            continue
        used.add(imdb_id or f"{key}|{fyear}")
        line: dict[str, Any] = {"title": title, "year": fyear}
        if imdb_id:
            line["imdb_id"] = imdb_id
        line["finding"] = finding
        line["kinds"] = []
        line["outlet"] = OUTLET
        line["url"] = row["url"]
        line["wording"] = "credits-any"
        line["scope"] = "film"
        line["via"] = VIA
        out.append(line)
        stats[f"written: {finding}" + ("" if ours else " (a facts-file film)")] += 1

    out.sort(key=lambda r: (r["year"], r["title"]))
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), encoding="utf-8")
    print(f"{len(rows)} rows, {len(by_post)} films, {len(bad)} rows skipped", file=sys.stderr)
    for name, n in sorted(stats.items()):
        print(f"  {name}: {n}", file=sys.stderr)
    print("against verdicts we hold (ours, the post's):", file=sys.stderr)
    for (a, b), n in sorted(compare.items()):
        print(f"  {a:8} {b:8} {n}", file=sys.stderr)
    for message in disagree:
        print(f"  disagree: {message}", file=sys.stderr)
    print(f"{OUT.relative_to(ROOT)}: {len(out)} films", file=sys.stderr)
    return 0


def read_ms(path: Path) -> list[tuple[str, int, bool]]:
    """mediastinger.com's index rows, in the same TSV form: (title, year, something after
    the credits); a row without a year is left out."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        m = ROW.match(line)
        key, _, year = m["key"].rpartition("|") if m else ("", "", "")
        if m and year.isdigit():
            rows.append((compact(key), int(year), m["s"] == "yes"))
    return rows


if __name__ == "__main__":
    sys.exit(main())
