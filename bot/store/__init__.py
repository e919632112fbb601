"""The SQLite catalog: its layout (:mod:`~bot.store.schema`), its build
(:mod:`~bot.store.build`) and read-only serving (:mod:`~bot.store.reader`)."""
