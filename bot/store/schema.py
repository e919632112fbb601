"""The catalog's SQLite layout (schema version in ``meta``).

- ``films``: one row per film, the full record as JSON plus the columns queries need;
- ``names``: every title, original title and alias of every film, with its normalised
  and compact keys (``names_compact`` serves exact lookup and autocomplete prefixes);
- ``names_fts``: an FTS5 trigram index over the normalised names (contentless,
  ``detail=none``), read one trigram at a time, rarest first;
- ``words_fts``: an FTS5 word index (unicode61) over the same names;
- ``trigram_df`` / ``word_df``: how many names hold each trigram or word, so a query can
  pick its most selective terms without touching the big posting lists;
- ``short_prefix``: the most popular films for every 0-3 letter prefix (autocomplete);
- ``initials``: the acronyms of every name ("tdkr", "nwh", "gotg"; see
  :func:`bot.normalize.initialisms`), most popular film first within an acronym.

:mod:`bot.store.build` writes it, :mod:`bot.store.reader` serves it.
"""

from __future__ import annotations

SCHEMA_VERSION = "6"
KIND_TITLE, KIND_ORIGINAL, KIND_ALIAS = 0, 1, 2

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE films(
    rid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    title TEXT NOT NULL,
    year INTEGER NOT NULL,
    popularity INTEGER NOT NULL,
    verdict TEXT NOT NULL,
    extras TEXT,
    directors TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE TABLE names(
    nid INTEGER PRIMARY KEY,
    film INTEGER NOT NULL,
    kind INTEGER NOT NULL,
    name TEXT NOT NULL,
    norm TEXT NOT NULL,
    compact TEXT NOT NULL
);
CREATE VIRTUAL TABLE names_fts USING fts5(
    norm, content='', detail='none', tokenize='trigram'
);
CREATE VIRTUAL TABLE words_fts USING fts5(
    norm, content='', detail='none', tokenize='unicode61'
);
CREATE TABLE initials(
    key TEXT NOT NULL,
    popularity INTEGER NOT NULL,
    nid INTEGER NOT NULL,
    PRIMARY KEY (key, popularity, nid)
) WITHOUT ROWID;
"""

INDEXES = """
CREATE VIRTUAL TABLE temp.names_vocab USING fts5vocab(main, names_fts, 'row');
CREATE TABLE trigram_df(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO trigram_df SELECT term, doc FROM temp.names_vocab;
DROP TABLE temp.names_vocab;
CREATE VIRTUAL TABLE temp.words_vocab USING fts5vocab(main, words_fts, 'row');
CREATE TABLE word_df(term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO word_df SELECT term, doc FROM temp.words_vocab;
DROP TABLE temp.words_vocab;
CREATE INDEX films_popularity ON films(popularity DESC);
CREATE INDEX names_compact ON names(compact);
CREATE INDEX names_film ON names(film);
CREATE TABLE short_prefix(prefix TEXT NOT NULL, rank INTEGER NOT NULL, film INTEGER NOT NULL,
    PRIMARY KEY (prefix, rank)) WITHOUT ROWID;
"""

SHORT_PREFIX_LEN = 3
SHORT_PREFIX_TOP = 50
"""Autocomplete of 1-3 letters reads the most popular films from ``short_prefix``: a range
scan of the names would see thousands of rows in alphabetical, not popular, order."""

SHORT_PREFIX = """
INSERT INTO short_prefix
SELECT prefix, rank, film FROM (
    SELECT prefix, film,
           row_number() OVER (PARTITION BY prefix ORDER BY popularity DESC, film) AS rank
    FROM (
        SELECT DISTINCT substr(n.compact, 1, {length}) AS prefix, n.film, f.popularity
        FROM names AS n JOIN films AS f ON f.rid = n.film
        WHERE length(n.compact) >= {length}
    )
) WHERE rank <= {top}
"""
