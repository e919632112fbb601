"""The core's own words that every adapter shows as they are."""

from __future__ import annotations

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."
"""The one reply to a fault (the traceback goes to the log, never to the chat)."""
EMPTY_QUESTION = (
    "Ask me about a film, e.g. “Children of Heaven” or “does Iron Man have a post-credits scene?”"
)
GONE = "That film is no longer in the catalog."
STALE_BUTTON = "This button no longer works. Ask me again."
