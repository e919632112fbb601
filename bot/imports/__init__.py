"""Every importer, each writing to ``data/local`` and rebuilding the catalog:

- :mod:`bot.imports.jsonl` (``db import``): JSON Lines files and seed-format pages
  (:mod:`bot.imports.seed_page`);
- :mod:`bot.imports.imdb` (``db import-imdb``): IMDb's dataset files as ``unknown``-verdict
  films, in ``data/local/imdb.jsonl``;
- :mod:`bot.imports.tmdb` (``db import-tmdb``): TMDB's credit keywords as
  ``during``/``after``/``both`` verdicts, in ``data/local/tmdb.jsonl``;
- :mod:`bot.imports.commands`: their command-line arguments and reports.

Which facts win when several files hold one film is :mod:`bot.sources`' business.
"""
