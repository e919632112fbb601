"""The bot's words in the asker's language: gettext catalogs compiled at first use.

The ``.po`` sources live in ``bot/locale/<lang>/LC_MESSAGES/credits.po``; the English
text in the code is the message id, so English needs no catalog. A catalog is compiled
(with Babel) into an in-memory ``.mo`` the first time its language is asked for, so no
binary is committed and none can drift from its source.

Every template is a whole sentence with named placeholders (``{title}``, ``{n}``);
:meth:`Translator.gettext` and :meth:`Translator.ngettext` translate and fill it in one
step. In a right-to-left language every text value is wrapped in Unicode isolates
(FSI ... PDI), so a Latin film title inside a Persian sentence neither reorders the
punctuation around it nor turns the line left-to-right.

Which language a reply uses: the chat's own setting where one exists, else the
platform's locale for the user, else English (:func:`choose_language`).
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from collections.abc import Sequence
from pathlib import Path

from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

DEFAULT_LANGUAGE = "en"
LANGUAGES: tuple[str, ...] = ("en", "es", "pt_BR", "fr", "de", "ru", "fa")
"""Every language the bot speaks (gettext / Babel locale ids)."""
NAMES: dict[str, str] = {
    "en": "English",
    "es": "Español",
    "pt_BR": "Português (Brasil)",
    "fr": "Français",
    "de": "Deutsch",
    "ru": "Русский",
    "fa": "فارسی",
}
"""Each language in its own words (for ``--lang`` help and a future settings menu)."""
RTL = frozenset({"fa"})
"""Languages written right to left."""

DOMAIN = "credits"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
KEYWORDS: dict[str, object] = {
    "gettext": None,
    "ngettext": (1, 2),
    "pgettext": ((1, "c"), 2),
    "N_": None,
    "NP_": ((1, "c"), 2),
}
"""What message extraction looks for (``pybabel extract -k``; the catalog test)."""

FSI = "\u2068"
"""FIRST STRONG ISOLATE: starts a run whose direction is its own."""
PDI = "\u2069"
"""POP DIRECTIONAL ISOLATE: ends it."""

# Two-letter codes whose only supported variant is a regional one.
_BY_PREFIX = {"pt": "pt_BR"}


def N_(msgid: str) -> str:
    """Marks a message id for extraction where it is defined; translated where shown."""
    return msgid


def NP_(context: str, msgid: str) -> str:
    """Like :func:`N_`, for a message id with a context (e.g. a command's name)."""
    return msgid


def supported(code: str | None) -> str | None:
    """The supported language for a locale code, or None.

    ``"pt-BR"``, ``"pt"``, ``"es-ES"``, ``"es-419"``, ``"de-AT"``, ``"fa-IR"``, ``"en-GB"``
    (Discord and Telegram spell them so) all map to one of :data:`LANGUAGES`.
    """
    if not code:
        return None
    parts = code.strip().replace("-", "_").split("_")
    base = parts[0].lower()
    if not base.isalpha():
        return None
    if len(parts) > 1:
        full = f"{base}_{parts[1].upper()}"
        if full in LANGUAGES:
            return full
    if base in LANGUAGES:
        return base
    return _BY_PREFIX.get(base)


def choose_language(*preferences: str | None) -> str:
    """The first supported language among ``preferences`` (most binding first: the
    chat's setting, then the user's locale), else English."""
    for code in preferences:
        lang = supported(code)
        if lang is not None:
            return lang
    return DEFAULT_LANGUAGE


def catalog_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_catalog(lang: str) -> bytes:
    """The ``.mo`` bytes of a language's ``.po`` source."""
    with catalog_path(lang).open("rb") as f:
        catalog = read_po(f, locale=lang, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


class Translator:
    """One language's words: translate a template and fill in its placeholders."""

    def __init__(self, language: str, translations: _gettext.NullTranslations) -> None:
        self.language = language
        self.rtl = language in RTL
        self._t = translations

    def __repr__(self) -> str:
        return f"Translator({self.language!r})"

    def _fill(self, template: str, values: dict[str, object]) -> str:
        if not values:
            return template
        if self.rtl:
            values = {k: self.isolate(v) if isinstance(v, str) else v for k, v in values.items()}
        return template.format(**values)

    def isolate(self, text: str) -> str:
        """Text that keeps its own direction inside this language's sentences."""
        return f"{FSI}{text}{PDI}" if self.rtl and text else text

    def gettext(self, msgid: str, /, **values: object) -> str:
        return self._fill(self._t.gettext(msgid), values)

    def ngettext(self, singular: str, plural: str, n: int, /, **values: object) -> str:
        """A template chosen by ``n`` (the language's plural rule); ``{n}`` is filled in."""
        return self._fill(self._t.ngettext(singular, plural, n), {"n": n, **values})

    def pgettext(self, context: str, msgid: str, /, **values: object) -> str:
        return self._fill(self._t.pgettext(context, msgid), values)

    def join(self, items: Sequence[str]) -> str:
        """``a, b and c`` in this language (Babel's list patterns)."""
        return format_list(list(items), locale=self.language) if items else ""


def translator(language: str | None = None) -> Translator:
    """The translator for a language (a locale code is mapped; anything else is English)."""
    return _load(choose_language(language))


@functools.cache
def _load(lang: str) -> Translator:
    if lang == DEFAULT_LANGUAGE:
        return Translator(lang, _gettext.NullTranslations())
    return Translator(lang, _gettext.GNUTranslations(io.BytesIO(compile_catalog(lang))))


ENGLISH = translator(DEFAULT_LANGUAGE)
