"""Title normalisation: the same film typed many ways becomes the same key.

``normalize("The Lord of the Rings: The Return of the King")`` and
``normalize("lord of the rings return of the king")`` are equal; so are "Rocky II" and
"rocky 2", "Guardians of the Galaxy Vol. 2" and "guardians of the galaxy 2", "WALL·E" and
"wall e", "Amélie" and "amelie". :func:`compact` also drops the spaces, so "spiderman" and
"Spider-Man" meet. The same function is applied to catalog titles and to queries, so any
choice made here is symmetric.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_ROMAN = {
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
}
_NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
}
# Words that only introduce a sequel number: "Vol. 2", "Part II", "Chapter 4".
_SEQUEL_MARKERS = frozenset({"vol", "volume", "part", "chapter", "episode", "ep", "pt"})
_ARTICLES = frozenset({"the", "a", "an"})

# Characters that separate a title from its subtitle ("Avengers: Endgame").
SUBTITLE_SPLIT = re.compile(r"\s*(?:[:;|/]|\s[-–—]\s|[–—])\s*")
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_WORD_ANY = re.compile(r"[\W_]+")
_TRAILING_DIGITS = re.compile(r"^(.*[^\d])(\d+)$")
_TRAILING_ARTICLE = re.compile(r",\s*(the|a|an)\s*$")

_SPECIAL = str.maketrans(
    {
        "&": " and ",
        "+": " and ",
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "đ": "d",
        "ı": "i",
        "·": " ",
        "•": " ",
    }
)


def fold(text: str) -> str:
    """Lowercase, strip accents, spell out ``&``; keeps punctuation for later steps."""
    text = unicodedata.normalize("NFKC", text).casefold().translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def without_articles(key: str) -> str:
    """A normalised key without its articles, wherever they stand."""
    return " ".join(w for w in key.split() if w not in _ARTICLES)


def spelt(text: str) -> str:
    """The text as typed, letters and digits only: "Transformers One" and "Transformers
    1" normalise alike but are spelt differently."""
    return _NON_WORD_ANY.sub("", fold(text))


def _word_chars(text: str) -> str:
    """Separators for everything that is not a letter, digit or mark of any script.

    ASCII text takes one regular expression; other scripts keep their letters and their
    (spacing) marks, and their decimal digits become ASCII digits ("٢٠١٢" = "2012")."""
    if text.isascii():
        return _NON_WORD.sub(" ", text)
    out: list[str] = []
    for ch in text:
        if ch.isascii():
            out.append(ch if ch.isalnum() else " ")
        elif ch.isdecimal():
            out.append(str(unicodedata.decimal(ch)))
        elif ch.isalnum() or unicodedata.category(ch)[0] == "M":
            out.append(ch)
        else:
            out.append(" ")
    return "".join(out)


def _split_trailing_number(words: list[str]) -> list[str]:
    """ "shrek2" -> "shrek 2", "vol2" -> "vol 2" (a number glued to a word is a number);
    "se7en" stays one word."""
    if not any(w[-1].isdigit() and not w.isdigit() for w in words):
        return words
    out: list[str] = []
    for w in words:
        m = _TRAILING_DIGITS.match(w)
        out.extend((m.group(1), m.group(2)) if m else (w,))
    return out


def _segment_words(segment: str, *, last_segment_of_many: bool, first: bool) -> list[str]:
    words = _split_trailing_number(_word_chars(_APOSTROPHES.sub("", segment)).split())
    if not words:
        return words
    # A numeral or number word is a sequel number only at the end of a segment (the end of
    # the title, or just before a subtitle), and never as the only word of the title's
    # first segment ("I, Robot", "Ten", "X" stay what they are).
    last = words[-1]
    if len(words) > 1 or not first or last_segment_of_many:
        if last in _ROMAN:
            words[-1] = _ROMAN[last]
        elif last in _NUMBER_WORDS and len(words) > 1:
            words[-1] = _NUMBER_WORDS[last]
    if (
        (len(words) > 2 or not first)
        and len(words) >= 2
        and words[-2] in _SEQUEL_MARKERS
        and words[-1].isdigit()
    ):
        del words[-2]
    # Articles: at the start of a segment ("The Dark Knight", "Avengers: The Kang Dynasty").
    while len(words) > 1 and words[0] in _ARTICLES:
        del words[0]
    return words


@lru_cache(maxsize=4096)
def normalize(title: str) -> str:
    """The normalised form used for matching: casefolded words of any script, without
    accents or other combining marks, separated by spaces.

    Cached: a catalog build normalises each title twice (its key, then its names)."""
    folded = fold(title).strip()
    m = _TRAILING_ARTICLE.search(folded)  # "Avengers, The" -> "the avengers"
    if m:
        folded = f"{m.group(1)} {folded[: m.start()]}"
    segments = [s for s in SUBTITLE_SPLIT.split(folded) if s.strip()]
    words: list[str] = []
    for i, segment in enumerate(segments):
        words.extend(
            _segment_words(
                segment,
                last_segment_of_many=len(segments) > 1 and i == 0,
                first=i == 0,
            )
        )
    if not words:
        # Titles made only of punctuation or symbols still need a key.
        return _NON_WORD_ANY.sub(" ", folded).strip() or folded.strip()
    return " ".join(words)


def compact(key: str) -> str:
    """The normalised key without spaces: "spider man" and "spiderman" meet here."""
    return key.replace(" ", "")


def key_of(title: str) -> str:
    """The exact-lookup key of a title: normalised, then compacted."""
    return compact(normalize(title))


def trigrams(key: str) -> list[str]:
    """Distinct character trigrams of a normalised key, padded with a space at each end."""
    padded = f" {key} "
    seen: dict[str, None] = {}
    for i in range(len(padded) - 2):
        seen.setdefault(padded[i : i + 3], None)
    return list(seen)


ACRONYM_MIN = 3
ACRONYM_MAX = 5


def initialisms(title: str) -> list[str]:
    """The acronyms a title is typed as: "The Dark Knight Rises" -> "tdkr", "dkr";
    "Spider-Man: No Way Home" -> "smnwh", "nwh"; "Guardians of the Galaxy Vol. 3" ->
    "gotg" (its number is checked separately, against the normalised title).

    Initials of every word (articles too, and without a leading article), of the whole
    title and of each part around a subtitle separator; numbers, roman numerals and
    "Vol./Part" markers are left out. Only Latin letters, 3-5 of them."""
    folded = fold(title).strip()
    m = _TRAILING_ARTICLE.search(folded)
    if m:
        folded = f"{m.group(1)} {folded[: m.start()]}"
    parts: list[list[str]] = []
    for i, segment in enumerate(s for s in SUBTITLE_SPLIT.split(folded) if s.strip()):
        words = _word_chars(_APOSTROPHES.sub("", segment)).split()
        if len(words) > 1 or i > 0:
            while words and (words[-1].isdigit() or words[-1] in _ROMAN):
                words.pop()
            if words and words[-1] in _SEQUEL_MARKERS:
                words.pop()
        words = [w for w in words if not w.isdigit()]
        if not all(w.isascii() and w.isalpha() for w in words):
            return []
        if words:
            parts.append(words)
    variants: dict[str, None] = {}

    def add(words: list[str]) -> None:
        for ws in (words, words[1:] if words and words[0] in _ARTICLES else []):
            letters = "".join(w[0] for w in ws)
            if ACRONYM_MIN <= len(letters) <= ACRONYM_MAX:
                variants.setdefault(letters, None)

    add([w for part in parts for w in part])
    if len(parts) > 1:
        for part in parts:
            add(part)
    return list(variants)
