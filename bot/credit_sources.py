"""Which sources a recorded credit fact may name (see ``data/SOURCES.md``).

A credit fact (a verdict, its scenes) must name where it came from, and that place must be
a listing, a studio, or major press. Content farms (sites that rewrite others' listings
for ad traffic, often wrongly) are not sources: :data:`REJECTED` names those met so far.
"""

from __future__ import annotations

LISTINGS = (
    "aftercredits.com",
    "mediastinger",
    "tmdb keywords",
    "whatsafterthemovie",
    "the film's credit-scene page",
    "viewer reports, reviewed",
)
STUDIOS = (
    "marvel.com",
    "disney.com",
    "pixar.com",
    "lucasfilm",
    "warner bros",
    "universal pictures",
    "sony pictures",
    "paramount",
    "afi catalog",
    "production notes",
)
PRESS = (
    "newsweek", "collider", "screen rant", "screenrant", "slashfilm", "/film", "polygon",
    "thewrap", "vanity fair", "variety", "hollywood reporter", "entertainment weekly",
    "ew.com", "ign", "inverse", "gizmodo", "radio times", "radiotimes", "gamesradar", "cbr",
    "looper", "nme", "vulture", "den of geek", "denofgeek", "empire", "deadline", "yahoo",
    "huffington", "huffpost", "cnet", "uproxx", "cinemablend", "comicbook.com", "bustle",
    "elite daily", "elitedaily", "men's health", "hindustan times", "hindustantimes",
    "koimoi", "pinkvilla", "movieplayer", "filmstarts", "cinefilos", "sky.it", "film.at",
    "the mary sue", "themarysue", "syfy wire", "buzzfeed", "indiewire", "tom's guide",
    "tomsguide", "mtv.com", "gamespot", "screenworld", "cartoon brew", "cartoonbrew",
    "artofthetitle", "nbc.com", "time.com", "usa today", "the guardian", "bbc",
    "new york times", "nytimes", "the independent", "independent.co.uk", "digital spy",
    "entertainment tonight", "people.com", "nerds and beyond", "republic world",
)  # fmt: skip
ACCEPTED = LISTINGS + STUDIOS + PRESS

REJECTED = (
    "sportskeeda", "somagnews", "daily8", "topdaily", "themoneytimes", "premiumnewz",
    "nwshot", "quantosei", "earthpressnews", "europressdigest", "liteonline", "weeklytrick",
    "fungamingtips", "redmangoreviews", "daddycow", "showbizshadows", "cirrkus", "gameme",
    "midlifecrisiscrossover", "wordpress.com", "cosblog", "bestmoviesonnetflixrightnow",
    "pixelation", "filmofilia", "categorianerd", "acre.com.br", "pulsoslp", "redgol",
    "agoofyidea", "fandom.com", "wikia.com", "exemplore", "newsbreak", "blogspot",
    "music.blog", "thetab", "latestly", "inquisitr", "distractify", "filmem", "screengeek",
    "epicdope", "high on cinema", "clutchpoints", "whatculture", "kungfukingdom",
    "memorabletv", "moviemistakes", "toughpigs", "wegotthiscovered", "comicbookmovie",
    "sciencefiction.com", "zavvi", "imdb faq", "imdb trivia", "thedailyguardian",
    "4pareteita", "culturaocio", "ciakgeneration", "actualtv", "laughingplace", "dexerto",
    "hellogiggles", "naekranie", "infobae", "sdpnoticias", "peru21", "inkl.com",
    "sffgazette", "fictionhorizon", "justjared", "callanswall", "antikewl", "popculture.com",
    "not yet checked",
)  # fmt: skip
"""Named in a source, these make it unacceptable: content farms, fan wikis, blogs, user
trivia, and our own unchecked memory."""


def accepted_names(source: str) -> list[str]:
    """The acceptable outlets a source names."""
    low = source.lower()
    return [name for name in ACCEPTED if name in low]


def rejected_names(source: str) -> list[str]:
    """The unacceptable ones it names."""
    low = source.lower()
    return [name for name in REJECTED if name in low]


def acceptable(source: str | None) -> bool:
    """True when the source names an accepted outlet and no rejected one."""
    return bool(source) and bool(accepted_names(source or "")) and not rejected_names(source or "")
