"""Importers for deployers: bulk sources written to ``data/local`` and built into the catalog.

- :mod:`bot.imports.imdb`: IMDb's dataset files (titles, years, runtimes, alternative
  titles) as ``unknown``-verdict films, in ``data/local/imdb.jsonl``;
- :mod:`bot.imports.tmdb`: TMDB's credit keywords as ``during``/``after``/``both``
  verdicts, in ``data/local/tmdb.jsonl``;
- :mod:`bot.imports.bench`: a 1M-row IMDb-format benchmark (not part of the tests).

Which facts win when several files hold one film is :func:`bot.catalog.source_layer`'s
business: curated files, then ``db import`` files, then TMDB's, then IMDb's.
"""
