"""The message catalogs: every message id in the code has a translation in every
language, with the same placeholders and the language's number of plural forms; the
catalogs compile; locale codes map to the languages spoken."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.i18n import (
    FSI,
    KEYWORDS,
    LANGUAGES,
    PDI,
    catalog_path,
    choose_language,
    supported,
    translator,
)
from bot.render.answer import answer_document
from bot.render.text import render_text

ROOT = Path(__file__).resolve().parents[2]
Key = tuple[str | None, str | tuple[str, ...]]


@pytest.fixture(scope="module")
def message_ids() -> set[Key]:
    """Every message id the code marks, extracted the way ``make messages`` does."""
    found: set[Key] = set()
    for package in ("bot", "adapters", "credits_bot"):
        for _, _, msgid, _, context in extract_from_dir(ROOT / package, keywords=KEYWORDS):
            found.add((context, msgid))
    return found


def load(lang: str) -> Catalog:
    with catalog_path(lang).open("rb") as f:
        return read_po(f, locale=lang)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_the_code_marks_messages(message_ids: set[Key]) -> None:
    assert len(message_ids) > 100
    assert (None, "Stay until the very end of the credits.") in message_ids
    assert ("discord command", "credits") in message_ids


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_every_message_is_translated_with_its_placeholders(
    lang: str, message_ids: set[Key]
) -> None:
    catalog = load(lang)
    entries = {
        (m.context, m.id if isinstance(m.id, str) else tuple(m.id)): m for m in catalog if m.id
    }
    assert set(entries) == message_ids, "run 'make messages' and translate"
    for key, message in entries.items():
        assert not message.fuzzy, key
        ids = [key[1]] if isinstance(key[1], str) else list(key[1])
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        if isinstance(key[1], tuple):
            assert len(strings) == catalog.num_plurals, key
        assert all(s.strip() for s in strings), f"untranslated in {lang}: {key}"
        expected = set().union(*(fields(i) for i in ids))
        for s in strings:
            assert fields(s) == expected, (lang, key, s)


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_catalogs_compile_and_translate(lang: str) -> None:
    t = translator(lang)
    assert t.gettext("Year") != "Year"
    one = t.ngettext("Yes — {n} scene after the credits", "Yes — {n} scenes after the credits", 1)
    many = t.ngettext("Yes — {n} scene after the credits", "Yes — {n} scenes after the credits", 5)
    assert "1" in one and "5" in many and "{" not in one + many


def test_russian_has_three_plural_forms() -> None:
    t = translator("ru")
    words = [
        t.ngettext("Yes — {n} scene after the credits", "Yes — {n} scenes after the credits", n)
        for n in (1, 3, 5, 21)
    ]
    assert words == [
        "Да — 1 сцена после титров",
        "Да — 3 сцены после титров",
        "Да — 5 сцен после титров",
        "Да — 21 сцена после титров",
    ]


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        ("es-ES", "es"), ("es-419", "es"), ("ES", "es"), ("pt-BR", "pt_BR"), ("pt", "pt_BR"),
        ("pt-br", "pt_BR"), ("fr", "fr"), ("fr-CA", "fr"), ("de-AT", "de"), ("de_CH", "de"),
        ("ru", "ru"), ("fa-IR", "fa"), ("en-GB", "en"), ("en-US", "en"),
        ("ja", None), ("", None), (None, None), ("x-klingon", None), ("123", None),
    ],
)  # fmt: skip
def test_locale_codes_map_to_languages(code: str | None, lang: str | None) -> None:
    assert supported(code) == lang


def test_the_chat_setting_comes_first_then_the_user_then_english() -> None:
    assert choose_language("de", "es-ES") == "de"
    assert choose_language(None, "es-ES") == "es"
    assert choose_language("tlh", "ja") == "en"
    assert choose_language() == "en"


def test_isolates_only_in_right_to_left_languages() -> None:
    fa, es = translator("fa"), translator("es")
    assert (
        fa.gettext("Showing {film}.", film="Dune (2021)") == f"{FSI}Dune (2021){PDI} را نشان می‌دهم."
    )
    assert es.gettext("Showing {film}.", film="Dune (2021)") == "Mostrando Dune (2021)."
    assert fa.join(["a", "b"]) and es.join(["a", "b", "c"]) == "a, b y c"


def test_the_console_text_is_translated(answers_to_translate: list[tuple[str, object]]) -> None:
    answers = dict(answers_to_translate)
    text = render_text(answer_document(answers["both"], t=translator("fr")))  # type: ignore[arg-type]
    assert text.splitlines()[0] == "Oui — 2 scènes : 1 pendant, 1 après le générique"
    assert "[spoiler masqué]" in text and "SECRET" not in text
