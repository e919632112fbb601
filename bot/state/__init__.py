"""The writable state: what users cause (reports of wrong answers, per-chat settings).

Never the catalog. One interface (:class:`~bot.state.base.StateStore`), two backends:
SQLite (:mod:`bot.state.sqlite`, a file beside the catalog, WAL) for one process, and
PostgreSQL (:mod:`bot.state.postgres`, ``CREDITS_STATE_URL=postgresql://...``) when several
bot processes share one state. :func:`bot.state.open.open_state` picks one.
"""
