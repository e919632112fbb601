"""Every language's answers in Discord markup: within Discord's limits, spoilers only
inside ``||…||``, and the bot's words really translated."""

from __future__ import annotations

from typing import Any

import pytest
from discord_testkit import limit_problems, read_markdown

from adapters.discord.markup import document_embeds, document_text
from bot.i18n import FSI, LANGUAGES, PDI, translator
from bot.models import Answer, Found
from bot.render.answer import answer_document, recap_document
from bot.render.document import Document

SECRETS = ("SECRET-SCENE", "SECRET-RECAP")


def documents(answer: Answer, lang: str) -> list[Document]:
    t = translator(lang)
    docs = [answer_document(answer, include_recap=True, t=t)]
    if isinstance(answer, Found):
        docs.append(recap_document(answer.film, t))
    return docs


def markdown_of(embeds: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for e in embeds:
        out += [e.get("title") or "", e.get("description") or ""]
        out += [f["name"] for f in e.get("fields") or []] + [
            f["value"] for f in e.get("fields") or []
        ]
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_answer_in_every_language_fits_and_hides_its_spoilers(
    lang: str, answers_to_translate: list[tuple[str, Answer]]
) -> None:
    for name, answer in answers_to_translate:
        if lang != "en":  # the bot's words are really translated
            english = answer_document(answer, include_recap=True)
            translated = answer_document(answer, include_recap=True, t=translator(lang))
            assert translated.headline != english.headline, (name, lang)
            assert translated.title != english.title or isinstance(answer, Found), (name, lang)
        for doc in documents(answer, lang):
            assert doc.language == lang
            for message in document_embeds(doc):
                payload = {"embeds": [e.to_dict() for e in message]}
                assert not limit_problems(payload), (name, lang)
                for text in markdown_of(payload["embeds"]):
                    read = read_markdown(text)
                    assert read.balanced, (name, lang, text)
                    assert not any(s in read.outside for s in SECRETS), (name, lang, text)
                    assert "@everyone" not in text
                for e in payload["embeds"]:
                    # author and footer are shown without markdown: never a spoiler there
                    plain = (e.get("author") or {}).get("name", "") + (e.get("footer") or {}).get(
                        "text", ""
                    )
                    assert not any(s in plain for s in SECRETS)
            spoilers = "".join(doc.spoilers())
            shown = "".join(
                s
                for m in document_embeds(doc)
                for t in markdown_of([e.to_dict() for e in m])
                for s in read_markdown(t).spoilers
            )
            for secret in SECRETS:
                assert (secret in spoilers) == (secret in shown), (name, lang)
            for chunk in document_text(doc):
                assert len(chunk) <= 2000
                read = read_markdown(chunk)
                assert read.balanced and not any(s in read.outside for s in SECRETS)


def test_persian_keeps_latin_titles_in_isolates_through_the_markup(
    answers_to_translate: list[tuple[str, Answer]],
) -> None:
    """Right to left: a Latin title inside a Persian sentence is isolated (FSI…PDI), and
    the isolates survive escaping (the title's own ``||`` and ``<b>`` stay escaped)."""
    answers = dict(answers_to_translate)
    doc = answer_document(answers["ambiguous"], t=translator("fa"))
    assert doc.rtl
    (embed,) = document_embeds(doc)[0][:1]
    description = embed.description or ""
    assert f"{FSI}Dune \\|\\| \\<b\\>@\u200beveryone\\</b\\>{PDI}" in description
    assert read_markdown(description).spoilers == []
    assert (
        not translator("es").rtl
        and FSI not in answer_document(answers["ambiguous"], t=translator("es")).headline
    )
