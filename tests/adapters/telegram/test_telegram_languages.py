"""The asker's Telegram language (``from.language_code``) picks the reply's language."""

from __future__ import annotations

import pytest
from tg_catalog import example
from tg_harness import Harness
from tg_html import parse

from bot.models import Verdict
from bot.service import CreditsService


@pytest.mark.parametrize(
    ("code", "first_line", "field"),
    [
        ("de", "Ja — 1 Szene nach dem Abspann", "Jahr:"),
        ("pt-br", "Sim — 1 cena depois dos créditos", "Ano:"),
        ("fa", "بله — 1 صحنه بعد از تیتراژ", "سال:"),
        ("it", "Yes — 1 scene after the credits", "Year:"),  # not spoken: English
    ],
)
async def test_the_users_language_picks_the_language(
    tg: Harness, code: str, first_line: str, field: str
) -> None:
    (reply,) = await tg.replies_to("/credits iron man", language_code=code)
    text = parse(reply.text).text
    assert text.splitlines()[0] == first_line
    assert "Iron Man (2008)" in text  # the film's data stays as written
    assert field in text


async def test_a_question_in_german_is_answered_in_german(tg: Harness) -> None:
    (reply,) = await tg.replies_to("hat Iron Man eine Post-Credit-Szene?", language_code="de")
    text = parse(reply.text).text
    assert text.splitlines()[0] == "Ja — 1 Szene nach dem Abspann"
    assert "Bleib bis ganz zum Ende des Abspanns." in text


async def test_help_usage_buttons_and_inline_in_the_users_language(
    tg: Harness, service: CreditsService
) -> None:
    (reply,) = await tg.replies_to("/help", language_code="de")
    assert "Ich sage dir, ob ein Film eine Szene" in parse(reply.text).text
    (reply,) = await tg.replies_to("/credits", language_code="de")
    assert parse(reply.text).text.startswith("Schick /credits und danach einen Filmtitel")

    film = await example(service, Verdict.NONE, recap=True)
    (reply,) = await tg.replies_to(f"/credits {film.title}", language_code="de")
    assert ("Handlung (Spoiler)", f"r:{film.id}") in reply.buttons()
    calls = await tg.press(reply, f"r:{film.id}", language_code="ru")
    (recap,) = [c for c in calls if c.method == "sendMessage"]
    page = parse(recap.text)
    assert page.text.startswith(f"Что происходит в фильме {film.title}")
    assert film.recap and film.recap.split("\n")[0][:40] in "".join(page.spoiler_text)

    calls = await tg.send(tg.updates.inline_query("iron man", language_code="es"))
    (answer,) = [c for c in calls if c.method == "answerInlineQuery"]
    assert answer.params["is_personal"] in (True, "true")  # one language's results not shared
    first = answer.params["results"][0]
    assert first["title"] == "Iron Man (2008) — escena después de los créditos"
    assert first["description"] == "Sí — 1 escena después de los créditos"


async def test_the_apology_is_in_the_users_language(
    tg: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    handlers = tg.app.handlers[0]
    for handler in handlers:
        if getattr(handler, "commands", None) and "credits" in handler.commands:
            monkeypatch.setattr(handler, "callback", broken)
    calls = await tg.say("/credits iron man", language_code="fr")
    (reply,) = [c for c in calls if c.method == "sendMessage"]
    assert parse(reply.text).text == (
        "Désolé, quelque chose a mal tourné de mon côté. Réessayez dans un instant."
    )
