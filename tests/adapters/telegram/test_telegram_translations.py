"""Every language's answers in Telegram HTML: well-formed, within 4096 UTF-16 units,
spoilers only inside ``<tg-spoiler>``, right-to-left titles isolated."""

from __future__ import annotations

import pytest
from tg_html import parse

from adapters.telegram import markup
from adapters.telegram.handlers import help_document, usage_text
from bot.i18n import FSI, LANGUAGES, PDI, translator
from bot.models import Answer, Found
from bot.render.answer import answer_document, recap_document

SECRETS = ("SECRET-SCENE", "SECRET-RECAP")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_answer_in_every_language_is_well_formed_and_hides_spoilers(
    lang: str, answers_to_translate: list[tuple[str, Answer]]
) -> None:
    t = translator(lang)
    for name, answer in answers_to_translate:
        docs = [answer_document(answer, include_recap=True, t=t)]
        if isinstance(answer, Found):
            docs.append(recap_document(answer.film, t))
        for doc in docs:
            messages = markup.render(doc)
            assert messages, (name, lang)
            pages = [parse(m) for m in messages]  # raises when malformed or too long
            plain = "".join(p.plain_text for p in pages)
            hidden = "".join(s for p in pages for s in p.spoiler_text)
            assert not any(s in plain for s in SECRETS), (name, lang)
            for secret in SECRETS:
                assert (secret in "".join(doc.spoilers())) == (secret in hidden), (name, lang)
            assert "@everyone" not in plain  # the hostile query pings nobody
            assert parse(markup.render_one(doc)).text
    # The words of the Telegram adapter itself.
    for page in markup.render(help_document("CreditsBot", t)):
        parse(page)
    for command in ("credits", "recap"):
        assert parse(markup.render_text(usage_text(command, t))[0]).text


def test_persian_isolates_titles_in_telegram_html(
    answers_to_translate: list[tuple[str, Answer]],
) -> None:
    answers = dict(answers_to_translate)
    t = translator("fa")
    (message,) = markup.render(answer_document(answers["not-found-bare"], t=t))
    text = parse(message).text
    assert text.startswith("فیلمی به نام «")
    assert f"«{FSI}Dune || <b>@\u2060everyone</b>{PDI}»" in text
    found = answers["after"]
    assert isinstance(found, Found)
    (recap,) = markup.render(recap_document(found.film, t))
    assert f"در {FSI}Some Film{PDI} چه اتفاقی می‌افتد" in parse(recap).text
