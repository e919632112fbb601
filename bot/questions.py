"""Free chat text -> the title asked about (and a year, when the asker gave one).

People ask "does iron man have an end credit scene?", "anything after the credits of
black widow", "thor ragnarok post credits?", "should I stay after Dune (2021)", or just
type a title; or they ask in Spanish, Portuguese, French, German, Russian or Persian
("¿tiene escena post créditos Iron Man?", "hat Iron Man eine Post-Credit-Szene",
"есть ли сцена после титров в Мстителях", "آیا مرد آهنی صحنه پس از تیتراژ دارد").
The question words are peeled off; what remains is the title, left for the
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
    # (the phrase, which may be empty, is never the preposition alone: "after 2012", "of
    # mice and men" are titles; nor words that only describe a scene without naming one:
    # "The Secret of Kells", "End of Watch", "The End of the Tour" are titles too)
    re.compile(
        r"^(?!(?:in|for|of|on|after|from)\s+(?!(?:the\s+|an?\s+)?"
        r"(?:credits?|scenes?|stingers?|end|post|mid|after|during)\b))"
        r"(?!(?:(?:an?|any|the|some|one|more|other)\s+)*(?:" + _CREDIT_ADJ + r"[\s-]*)+"
        r"(?:in|for|of|on|after|from)\s)"
        + _CREDIT_PHRASE
        + r"\s*(?:in|for|of|on|after|from)\s+(?P<t>.+)$"
    ),
    # X post credits? / X - end credit scene / X: any mid-credits scenes / X stinger
    re.compile(
        r"^(?P<t>.+?)[\s,:;-]+(?:(?:an?|any|the)\s+)?(?:(?:end|post|mid|after|during)[\s-]*)+"
        r"credits?(?:[\s-]*(?:scenes?|stingers?|sequences?))?(?:\s+or\s+not)?$"
    ),
    re.compile(r"^(?P<t>.+?)[\s,:;-]+(?:any\s+)?(?:stingers?|credits?\s+scenes?)$"),
]


# --- other languages: the verbs that ask, the phrase that names an extra, the words that
# come before the title. Each language gets the same shapes: "<verb> <phrase> <prep> X",
# "<verb> X <phrase>", "X <verb> <phrase>", "<phrase> <prep> X" and "X <phrase>".
_OTHER_LANGUAGES: tuple[tuple[str, str, str], ...] = (
    (  # Spanish: ¿tiene escena post créditos Iron Man? / ¿hay escenas después de los créditos en X?
        r"(?:tiene|tienen|hay|trae)",
        r"(?:(?:una?|alguna|algo|las?|los)\s+)?(?:escenas?\s+)?(?:(?:post|pos|tras|después\s+de|"
        r"durante|a\s+mitad\s+de|al\s+final\s+de)[\s-]*(?:los\s+)?)(?:créditos|creditos)|"
        r"escenas?\s+(?:extra|adicional|oculta)s?",
        r"(?:en|de|para)(?:\s+(?:la\s+)?película)?",
    ),
    (  # Portuguese: Iron Man tem cena pós-créditos? / tem cena pós-créditos em X?
        r"(?:tem|têm|possui|há|existe)",
        r"(?:(?:uma|alguma|algo)\s+)?(?:cenas?\s+)?(?:(?:pós|pos|após|depois\s+d[oa]s?|durante|"
        r"no\s+meio\s+d[oa]s?|no\s+final\s+d[oa]s?)[\s-]*(?:os\s+)?)(?:créditos|creditos)|"
        r"cenas?\s+(?:extra|adiciona)(?:s|is)?",
        r"(?:em|no|na|de|do|da|para)(?:\s+(?:o\s+)?filme)?",
    ),
    (  # French: Iron Man a-t-il une scène post-générique ? / y a-t-il une scène ... dans X
        r"(?:a[\s-]t[\s-](?:il|elle)|ont[\s-](?:ils|elles)|y\s+a[\s-]t[\s-]il|il\s+y\s+a|"
        r"est[\s-]ce\s+qu[’']il\s+y\s+a|possède[\s-]t[\s-]il)",
        r"(?:(?:une|des|un|quelque\s+chose)\s+)?(?:scènes?\s+)?(?:(?:post|après(?:\s+le)?|pendant(?:\s+le)?|"
        r"en\s+milieu\s+de|à\s+la\s+fin\s+du|au\s+milieu\s+du)[\s-]*)(?:générique|credits?|crédits?)|"
        r"scènes?\s+(?:cachée|bonus|supplémentaire)s?",
        r"(?:dans|pour|de|du|d[’'])(?:\s+(?:le\s+)?film)?",
    ),
    (  # German: hat Iron Man eine Post-Credit-Szene / gibt es eine Szene nach dem Abspann bei X
        r"(?:hat|haben|gibt\s+es|kommt)",
        r"(?:(?:eine?n?|irgendeine|noch\s+eine|was|etwas)\s+)?(?:(?:post|mid|after|end)[\s-]*"
        r"credits?[\s-]*(?:szenen?|scenes?)|(?:abspann|nachspann)[\s-]*szenen?|(?:szenen?\s+)?"
        r"(?:nach|während|im|in\s+der\s+mitte)\s+(?:dem|des|vom)?\s*(?:abspanns?|nachspanns?|credits))",
        r"(?:in|bei|von|zu|für)(?:\s+(?:dem\s+)?film)?",
    ),
    (  # Russian: есть ли сцена после титров в Мстителях / у X есть сцена после титров?
        r"(?:есть\s+ли|будет\s+ли|есть|имеется\s+ли)",
        r"(?:(?:какая-?(?:то|нибудь)|ещё)\s+)?(?:(?:сцен[аыу]?|что-?(?:то|нибудь))\s+)?"
        r"(?:после|во\s+время|посреди|в\s+конце|в\s+середине)\s+титров|посттитров\w*\s+сцен\w*|"
        r"сцен\w*\s+посреди\s+титров",
        r"(?:в|у|для|к)(?:\s+фильм[еау])?",
    ),
    (  # Persian: آیا مرد آهنی صحنه پس از تیتراژ دارد
        r"(?:دارد|داره|هست|وجود\s+دارد|دارند)",
        r"(?:یک\s+|هیچ\s+)?(?:صحنه(?:ٔ|ی|\u200cای|\s+ای)?|سکانس(?:ی)?|چیزی)\s+(?:(?:پس|بعد)\s+از|وسط|حین|در\s+حین)\s+"
        r"تیتراژ(?:\s+پایانی)?|(?:پست|پس)\s*(?:کردیت|کریدیت)",
        r"(?:در|برای)(?:\s+فیلم)?",
    ),
)


def _language_patterns() -> list[re.Pattern[str]]:
    out: list[re.Pattern[str]] = []
    for verb, phrase, prep in _OTHER_LANGUAGES:
        p = f"(?:{phrase})"
        out += [
            re.compile(rf"^{verb}\s+{p}\s+(?:{prep}\s+)?(?P<t>.+)$"),
            re.compile(rf"^(?:{prep}\s+)?(?P<t>.+?)\s+{verb}\s+{p}$"),
            re.compile(rf"^{verb}\s+(?P<t>.+?)\s+{p}$"),
            re.compile(rf"^(?:{prep}\s+)?(?P<t>.+?)\s+{p}\s+{verb}$"),
            re.compile(rf"^{p}\s+{prep}\s+(?P<t>.+)$"),
            re.compile(rf"^(?P<t>.+?)[\s,:;-]+{p}$"),
        ]
    return out


_PATTERNS += _language_patterns()

_LEADING_NOISE = re.compile(
    r"^(?:(?:hey|hi|hello|yo|ok|okay|so|um+|uh+|quick\s+question|question|please|pls|plz|"
    r"bot|credits?bot|hola|oi|olá|salut|bonjour|hallo|привет|سلام|آیا)[\s,:!.-]+|[¿¡]\s*)+"
)
_TRAILING_NOISE = re.compile(
    r"(?:[\s,]+(?:please|pls|plz|thanks|thank\s+you|thx|or\s+not|at\s+all|anyone|"
    r"lol|por\s+favor|gracias|obrigad[oa]|merci|s[’']il\s+(?:te|vous)\s+pla[iî]t|bitte|danke|"
    r"пожалуйста|спасибо|لطفاً|لطفا|ممنون|\?+|؟+))+$"
)
_THE_MOVIE = re.compile(
    r"^(?:the\s+(?:new\s+)?(?:movie|film)|la\s+película|o\s+filme|le\s+film|der\s+film|"
    r"фильм[еау]?|فیلم)\s+(?=\S)",
    re.IGNORECASE,
)
_YEAR_IN_PARENS = re.compile(r"^(?P<t>.*?\S)\s*[(\[](?P<y>(?:18[89]|19\d|20\d)\d)[)\]]$")
_YEAR_SPOKEN = re.compile(r"^(?P<t>.*?\S)\s+(?:from|of|in|released\s+in)\s+(?P<y>(?:19|20)\d\d)$")
_QUOTES = "\"'“”‘’«»„`"
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک", "ى": "ی"})


@dataclass(frozen=True, slots=True)
class ParsedQuestion:
    title: str
    year: int | None = None


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return " ".join(drop_controls(text).split())[:MAX_QUESTION]


def _strip_title(title: str) -> str:
    title = title.strip().rstrip("?!.…,؟ ").strip().lstrip("¿¡").strip()
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
    # Arabic yeh and kaf are spelt as Persian ones for matching (same length).
    lowered = lowered.translate(_PERSIAN_LETTERS)
    body = lowered.rstrip("?!.؟ ")
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
