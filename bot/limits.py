"""The core's limits, in one place: every adapter and importer uses these."""

from __future__ import annotations

MAX_QUESTION = 300
"""Characters of a question the core reads; no film title comes close."""
MAX_TITLE = 300
"""Characters of a film title (or alias) a data file may hold."""
MAX_FILM_ID = 63
"""Characters of a film id (a lowercase ASCII slug); fits Telegram's 64-byte callback data."""
