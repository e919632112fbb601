"""Free chat text -> the title asked about (and a year, when the asker gave one).

People ask "does iron man have an end credit scene?", "anything after the credits of
black widow", "thor ragnarok post credits?", "should I stay after Dune (2021)", or just
type a title. The question words are peeled off; what remains is the title, left for the
resolver to match (a trailing bare year stays in the title: "Blade Runner 2049" is one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.limits import MAX_QUESTION
from bot.textsafe import drop_controls

_CREDIT_WORDS = r"(?:credits?|stingers?|stingrs?|easter\s*eggs?|scenes?|extras?|anything|something)"
_CREDIT_ADJ = r"(?:end|post|mid|after|during|extra|bonus|hidden|secret|final|closing)"
_CREDIT_PHRASE = (
    rf"(?:(?:an?|any|the|some|one|more|other)\s+)*(?:{_CREDIT_ADJ}[\s-]*)*"
    rf"(?:credits?)?[\s-]*(?:scenes?|stingers?|sequences?|clips?|teasers?|bits?)?"
)

_PATTERNS = [
    # does X have an end credit scene? / does X have anything after the credits?
    re.compile(
        r"^(?:does|do|did|will|would|has)\s+(?P<t>.+?)\s+(?:have|has|got|get|include|feature|"
        r"come\s+with|contain)\s+(?P<rest>.*" + _CREDIT_WORDS + r".*)$"
    ),
    # is there a stinger in X / is there a post-credits scene for X / are there any ... in X
    re.compile(
        r"^(?:is|are|was|were)\s+there\s+.*?" + _CREDIT_WORDS + r"(?:\s+(?:after|during|at\s+the"
        r"\s+end\s+of|before)\s+(?:the\s+)?(?:end\s+|closing\s+)?credits?)?.*?\s"
        r"(?:in|for|of|on|after|with|at\s+the\s+end\s+of)\s+(?P<t>.+)$"
    ),
    # anything after the credits of X / something during the end credits in X
    re.compile(
        r"^(?:is\s+there\s+)?(?:anything|something|any\s+scenes?|a\s+scene|what(?:'s|\s+is)?|"
        r"what\s+happens)\s+(?:(?:during|after|in|at\s+the\s+end\s+of|post|at)\s+)?"
        r"(?:the\s+)?(?:end\s+|closing\s+)?credits?\s+(?:of|in|for|on|to)\s+(?P<t>.+)$"
    ),
    # should I stay after X / should I stay for the credits of X / do I stay after X
    re.compile(
        r"^(?:should|do|must|can|shall)\s+(?:i|we|you)\s+(?:(?:need|have|want)\s+to\s+)?(?:stay|wait|stick\s+around|remain|"
        r"leave)\s+(?:(?:for|through|during|until|till|til|after|past|at|when)\s+)?"
        r"(?:(?:the\s+)?(?:end\s+)?(?:of\s+)?(?:the\s+)?credits?\s+(?:of|in|for|on|at|to)\s+)?"
        r"(?:the\s+)?(?:(?:end|credits)\s+(?:of|in|for)\s+)?(?P<t>.+)$"
    ),
    # is it worth staying after X / worth staying for X
    re.compile(
        r"^(?:is\s+it\s+)?worth\s+(?:staying|waiting|sticking\s+around)\s+"
        r"(?:(?:after|for|through|till|until)\s+)?(?:the\s+)?(?:(?:end\s+)?credits?\s+"
        r"(?:of|in|for|on)\s+)?(?P<t>.+)$"
    ),
    # mid credits scene in X / post credit scenes for X / credits of X / stinger in X
    re.compile(r"^" + _CREDIT_PHRASE + r"\s*(?:in|for|of|on|after|from)\s+(?P<t>.+)$"),
    # X post credits? / X - end credit scene / X: any mid-credits scenes / X stinger
    re.compile(
        r"^(?P<t>.+?)[\s,:;-]+(?:(?:an?|any|the)\s+)?(?:(?:end|post|mid|after|during)[\s-]*)+"
        r"credits?(?:[\s-]*(?:scenes?|stingers?|sequences?))?(?:\s+or\s+not)?$"
    ),
    re.compile(r"^(?P<t>.+?)[\s,:;-]+(?:any\s+)?(?:stingers?|credits?\s+scenes?)$"),
]

_LEADING_NOISE = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um+|uh+|quick\s+question|question|please|pls|plz|"
    r"bot|credits?bot)[\s,:!.-]+)+"
)
_TRAILING_NOISE = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|thanks|thank\s+you|thx|or\s+not|at\s+all|anyone|"
    r"lol|\?+))+$"
)
_THE_MOVIE = re.compile(r"^the\s+(?:new\s+)?(?:movie|film)\s+(?=\S)", re.IGNORECASE)
_YEAR_IN_PARENS = re.compile(r"^(?P<t>.*?\S)\s*[(\[](?P<y>(?:18[89]|19\d|20\d)\d)[)\]]$")
_YEAR_SPOKEN = re.compile(r"^(?P<t>.*?\S)\s+(?:from|of|in|released\s+in)\s+(?P<y>(?:19|20)\d\d)$")
_QUOTES = "\"'“”‘’«»`"


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    title: str
    year: int | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return " ".join(drop_controls(text).split())[:MAX_QUESTION]


def _strip_title(title: str) -> str:
    title = title.strip().rstrip("?!.…, ").strip()
    if len(title) >= 2 and title[0] in _QUOTES and title[-1] in _QUOTES:
        title = title[1:-1].strip()
    return title.strip(_QUOTES + " ").strip()


def parse_question(text: str) -> ParsedQuestion | None:
    """The title (and year) asked about, or ``None`` when there is no title at all."""
    cleaned = _clean(text)
    if not cleaned:
        return None
    lowered = cleaned.lower()
    # Work on the lowercase text to find where the title is; cut it from the original so
    # its spelling survives (case-folding only shortens "ß"-like characters, so check).
    same_length = len(lowered) == len(cleaned)
    body = lowered.rstrip("?!. ")
    body = _TRAILING_NOISE.sub("", body)
    body = _LEADING_NOISE.sub("", body)
    start = lowered.find(body) if body else -1
    span = (start, start + len(body)) if start >= 0 else (0, len(lowered))
    for pattern in _PATTERNS:
        m = pattern.match(body)
        if m and m.group("t").strip(" ?!.,"):
            span = (span[0] + m.start("t"), span[0] + m.end("t"))
            break
    title = cleaned[span[0] : span[1]] if same_length else lowered[span[0] : span[1]]
    title = _strip_title(_THE_MOVIE.sub("", _strip_title(title)))
    year: int | None = None
    for year_pattern in (_YEAR_IN_PARENS, _YEAR_SPOKEN):
        ym = year_pattern.match(title)
        if ym:
            title, year = ym.group("t"), int(ym.group("y"))
            break
    title = _strip_title(title)
    if not title or not any(ch.isalnum() for ch in title):
        return None
    return ParsedQuestion(title=title, year=year)
