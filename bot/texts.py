"""The core's own words that every adapter shows (translated: they are message ids)."""

from __future__ import annotations

from bot.i18n import N_

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
"""The one reply to a fault (the traceback goes to the log, never to the chat)."""
EMPTY_QUESTION = N_(
    "Ask me about a film, e.g. “Children of Heaven” or “does Iron Man have a post-credits scene?”"
)
GONE = N_("That film is no longer in the catalog.")
STALE_BUTTON = N_("This button no longer works. Ask me again.")
NOT_THIS_ONE = N_("The catalog has {has}, but not {missing}.")
"""When the title asked for names films of other numbers or years ("The catalog has The
Lion King (2019), but not The Lion King (1994).")."""
