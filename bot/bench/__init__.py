"""Benchmarks: :mod:`~bot.bench.resolver` (``credits-bot bench``: title resolution at scale
against a baseline) and :mod:`~bot.bench.imports` (``python -m bot.bench.imports``: an IMDb
import at scale), both generating titles from :mod:`~bot.bench.vocab`."""
