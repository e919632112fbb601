"""Viewers' reports in Telegram: what answers show of them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from tg_fake_api import BOT_USERNAME, FakeBotApi, Updates
from tg_harness import Harness, start_harness
from tg_html import parse

from bot.reports import reports_of
from bot.service import CreditsService
from bot.settings import Settings
from bot.state.base import Claim

FILM = "quiet-orchard-1999"


@pytest.fixture
async def tg_reports(
    tg_settings: Settings,
    reported_service: CreditsService,
    fake_api: FakeBotApi,
    updates: Updates,
) -> AsyncIterator[Harness]:
    harness = await start_harness(tg_settings, reported_service, fake_api, updates)
    try:
        yield harness
    finally:
        await harness.app.shutdown()
    assert fake_api.rejected == []


async def test_an_unknown_film_shows_what_viewers_report_apart_from_facts(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2):
        await reports.submit(FILM, "telegram", user, Claim.AFTER)
    (before,) = await tg_reports.replies_to("/credits Quiet Orchard")
    assert "viewers report" not in parse(before.text).text
    await reports.submit(FILM, "discord", 3, Claim.AFTER)
    (reply,) = await tg_reports.replies_to("/credits Quiet Orchard")
    text = parse(reply.text).text
    assert text.splitlines()[0].startswith("Nobody has recorded")
    assert "3 viewers report a scene after the credits (not yet confirmed)" in text
    assert "<i>3 viewers report" in reply.text
    (german,) = await tg_reports.replies_to("/credits Quiet Orchard", language_code="de")
    assert "3 Zuschauer melden eine Szene nach dem Abspann" in parse(german.text).text


async def test_a_recorded_film_never_shows_viewer_reports(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2, 3):
        await reports.submit("lantern-keepers-2017", "telegram", user, Claim.AFTER)
    (reply,) = await tg_reports.replies_to("/credits Lantern Keepers")
    assert "viewers report" not in parse(reply.text).text


async def test_wrong_button_records_a_report_and_takes_a_note(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    film = "lantern-keepers-2017"
    (answer,) = await tg_reports.replies_to(
        "/credits Lantern Keepers", chat_id=-5, chat_type="group"
    )
    assert ("Wrong?", f"w:{film}") in answer.buttons()

    calls = await tg_reports.press(answer, f"w:{film}")
    (ask,) = [c for c in calls if c.method == "sendMessage"]
    assert "What was wrong with the answer about Lantern Keepers (2017)?" in parse(ask.text).text
    assert [d for _, d in ask.buttons()] == [f"x{c}:{film}" for c in ("f", "d", "a", "b", "n", "o")]
    assert all(len(d.encode()) <= 64 for _, d in ask.buttons())

    calls = await tg_reports.press(ask, f"xa:{film}")
    assert calls[0].method == "answerCallbackQuery"
    (edit,) = [c for c in calls if c.method == "editMessageText"]
    assert "recorded for review" in parse(edit.text).text
    (prompt,) = [c for c in calls if c.method == "sendMessage"]
    assert prompt.params["reply_markup"]["force_reply"] is True
    (report,) = await reports.state.reports()
    assert (report.film_id, report.claim, report.note) == (film, Claim.AFTER, None)
    assert report.person == await reports.person("telegram", 42)
    assert len(report.person) == 64 and report.person != await reports.person("discord", 42)

    # Somebody else's reply is not a note (it is a question to the bot, as before).
    await tg_reports.say("Quiet Orchard", chat_id=-5, chat_type="group", user_id=7,
                         reply_to=prompt.result)  # fmt: skip
    assert (await reports.state.reports())[0].note is None

    hostile = "<b>@everyone</b> &amp; <tg-spoiler>x</tg-spoiler> " * 30
    (thanks,) = await tg_reports.replies_to(
        hostile, chat_id=-5, chat_type="group", reply_to=prompt.result
    )
    assert parse(thanks.text).text == "Thanks: your note is saved."
    (noted,) = await reports.state.reports()
    assert noted.id == report.id and noted.claim is Claim.AFTER
    assert noted.note is not None and 290 <= len(noted.note) <= 300
    assert noted.note.startswith("<b>@everyone</b>")
    assert "everyone" not in thanks.text


async def test_i_watched_it_offers_what_was_seen(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    (answer,) = await tg_reports.replies_to("/credits Quiet Orchard", language_code="fr")
    assert ("Je l’ai vu", f"w:{FILM}") in answer.buttons()
    calls = await tg_reports.press(answer, f"w:{FILM}", language_code="fr")
    (ask,) = [c for c in calls if c.method == "sendMessage"]
    assert [d for _, d in ask.buttons()] == [f"x{c}:{FILM}" for c in ("n", "d", "a", "b")]
    await tg_reports.press(ask, f"xb:{FILM}")
    reports = reports_of(reported_service)
    assert reports is not None
    assert (await reports.state.tally(FILM)).counts == {Claim.BOTH: 1}


async def test_the_hourly_limit_gets_one_short_reply(
    tg_reports: Harness, reported_service: CreditsService
) -> None:
    reports = reports_of(reported_service)
    assert reports is not None
    for n in range(1, 11):
        done = await reports.submit(f"paper-comet-{n}-{2000 + n}", "telegram", 42, Claim.NONE)
        assert done.report is not None
    (answer,) = await tg_reports.replies_to("/credits Lantern Keepers")
    (ask,) = [c for c in await tg_reports.press(answer, "w:lantern-keepers-2017")
              if c.method == "sendMessage"]  # fmt: skip
    calls = await tg_reports.press(ask, "xd:lantern-keepers-2017")
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["text"] == "That is a lot of reports for one hour: please try later."
    assert (await reports.state.tally("lantern-keepers-2017")).counts == {}
    # Somebody else may still report.
    calls = await tg_reports.press(ask, "xd:lantern-keepers-2017", user_id=8)
    assert [c.method for c in calls][:2] == ["answerCallbackQuery", "editMessageText"]


GROUP = {"chat_id": -900, "chat_type": "supergroup"}


async def test_settings_are_for_admins_and_choose_the_answer_language(
    tg_reports: Harness, fake_api: FakeBotApi
) -> None:
    (refused,) = await tg_reports.replies_to("/settings", user_id=7, **GROUP)
    assert parse(refused.text).text == "Only this chat's admins can change its settings."
    assert not refused.buttons()

    fake_api.admins.add((-900, 42))
    (menu,) = await tg_reports.replies_to("/settings", **GROUP)
    assert "Answer language: automatic" in parse(menu.text).text
    data = [d for _, d in menu.buttons()]
    assert data[0] == "s:l:-" and "s:l:pt_BR" in data and "s:l:fa" in data
    assert all(len(d.encode()) <= 64 for d in data)

    # A member who is not an admin cannot press the admin's buttons either.
    calls = await tg_reports.press(menu, "s:l:de", user_id=7)
    assert [c.method for c in calls if c.method != "getChatMember"] == ["answerCallbackQuery"]
    (answered,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answered.params["text"] == "Only this chat's admins can change its settings."
    (english,) = await tg_reports.replies_to("/credits Lantern Keepers", user_id=7, **GROUP)
    assert parse(english.text).text.startswith("No —")

    calls = await tg_reports.press(menu, "s:l:de")
    (answered,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answered.params["text"] == "Gespeichert."
    (edited,) = [c for c in calls if c.method == "editMessageText"]
    assert "✓ Deutsch" in [label for label, _ in edited.buttons()]
    # Everyone in the chat is now answered in German, whatever their app's language.
    (german,) = await tg_reports.replies_to("/credits Lantern Keepers", user_id=7, **GROUP)
    assert parse(german.text).text.startswith("Nein")
    # Other chats are not affected.
    (elsewhere,) = await tg_reports.replies_to("/credits Lantern Keepers", user_id=7)
    assert parse(elsewhere.text).text.startswith("No —")

    await tg_reports.press(menu, "s:l:-")
    (back,) = await tg_reports.replies_to("/credits Lantern Keepers", user_id=7, **GROUP)
    assert parse(back.text).text.startswith("No —")


async def test_settings_in_a_private_chat_belong_to_its_person(tg_reports: Harness) -> None:
    (menu,) = await tg_reports.replies_to("/settings", language_code="es")
    assert "Idioma de las respuestas" in parse(menu.text).text
    await tg_reports.press(menu, "s:l:ru")
    (russian,) = await tg_reports.replies_to("/credits Lantern Keepers", language_code="es")
    assert parse(russian.text).text.startswith("Нет")


PARROT = "The ferry captain finally finds his lost parrot."


async def test_settings_leave_scene_descriptions_out_for_the_chat(
    tg_reports: Harness, fake_api: FakeBotApi
) -> None:
    (before,) = await tg_reports.replies_to("/credits Harbor Lights", **GROUP)
    assert f"<tg-spoiler>{PARROT}</tg-spoiler>" in before.text

    fake_api.admins.add((-900, 42))
    (menu,) = await tg_reports.replies_to("/settings", **GROUP)
    assert "Scene descriptions: shown, behind spoiler tags" in parse(menu.text).text
    assert ("✓ Describe scenes", "s:d:1") in menu.buttons()
    # Not for members who are not admins.
    calls = await tg_reports.press(menu, "s:d:0", user_id=7)
    (answered,) = [c for c in calls if c.method == "answerCallbackQuery"]
    assert answered.params["text"] == "Only this chat's admins can change its settings."

    calls = await tg_reports.press(menu, "s:d:0")
    (edited,) = [c for c in calls if c.method == "editMessageText"]
    assert "Scene descriptions: left out" in parse(edited.text).text
    assert ("✓ Only say where", "s:d:0") in edited.buttons()
    (hidden,) = await tg_reports.replies_to("/credits Harbor Lights", user_id=7, **GROUP)
    assert "parrot" not in hidden.text
    text = parse(hidden.text).text
    assert "After the credits (a gag)" in text
    assert "Scene descriptions are left out in this chat (/settings)." in text
    # The person's private chat with the bot is not this group.
    (private,) = await tg_reports.replies_to("/credits Harbor Lights", user_id=7)
    assert PARROT in private.text

    await tg_reports.press(menu, "s:d:1")
    (again,) = await tg_reports.replies_to("/credits Harbor Lights", **GROUP)
    assert f"<tg-spoiler>{PARROT}</tg-spoiler>" in again.text


async def test_the_review_chat_gets_each_report_and_only_maintainers_decide(
    tg_settings: Settings,
    reported_service: CreditsService,
    fake_api: FakeBotApi,
    updates: Updates,
    tmp_path: Path,
) -> None:
    settings = replace(
        tg_settings,
        data_dir=tmp_path / "reported-data",
        db_path=tmp_path / "reported.sqlite",
        review_telegram_chat_id=-777,
        maintainer_ids=frozenset({"telegram:99"}),
    )
    tg = await start_harness(settings, reported_service, fake_api, updates)
    try:
        reports = reports_of(reported_service)
        assert reports is not None
        (answer,) = await tg.replies_to("/credits Quiet Orchard")
        (ask,) = [c for c in await tg.press(answer, f"w:{FILM}") if c.method == "sendMessage"]
        calls = await tg.press(ask, f"xa:{FILM}")
        (posted,) = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == -777]
        assert "Quiet Orchard (1999)" in parse(posted.text).text
        assert posted.buttons() == [("Accept", "v:a:1"), ("Reject", "v:r:1")]
        (prompt,) = [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] == 42]
        hostile = "<b>@everyone</b> & <a href='x'>y</a>"
        await tg.say(hostile, reply_to=prompt.result)
        # The note reaches the review chat too, escaped: shown as typed, no link, no mention.
        review = [c for c in fake_api.calls if c.params.get("chat_id") == -777]
        assert len(review) == 2
        shown = parse(review[1].text)
        assert hostile.replace("@", "@\u2060") in shown.text  # the word joiner: no mention
        assert "<a" not in review[1].text and "<b>" not in review[1].text
        assert review[1].buttons() == [("Accept", "v:a:1"), ("Reject", "v:r:1")]

        calls = await tg.press(posted, "v:a:1", user_id=7)
        assert [c.method for c in calls] == ["answerCallbackQuery"]
        assert calls[0].params["text"] == "Only the bot's maintainers can review reports."
        report = await reports.state.report(1)
        assert report is not None and report.status.value == "pending"

        calls = await tg.press(posted, "v:a:1", user_id=99)
        assert calls[0].params["text"] == "Accepted."
        report = await reports.state.report(1)
        assert report is not None and report.status.value == "accepted"
        corrections = (tmp_path / "reported-data" / "local" / "corrections.jsonl").read_text()
        assert '"verdict": "after"' in corrections and '"Quiet Orchard"' in corrections
    finally:
        await tg.app.shutdown()
    assert fake_api.rejected == []


async def test_a_note_after_a_restart_still_finds_its_report(
    tg_settings: Settings,
    reported_service: CreditsService,
    fake_api: FakeBotApi,
    updates: Updates,
) -> None:
    first = await start_harness(tg_settings, reported_service, fake_api, updates)
    try:
        (answer,) = await first.replies_to("/credits Quiet Orchard")
        (ask,) = [c for c in await first.press(answer, f"w:{FILM}") if c.method == "sendMessage"]
        (prompt,) = [c for c in await first.press(ask, f"xn:{FILM}") if c.method == "sendMessage"]
        assert parse(prompt.text).text.endswith("\n№ 1")
    finally:
        await first.app.shutdown()
    again = await start_harness(tg_settings, reported_service, fake_api, updates)
    try:
        (thanks,) = await again.replies_to("sat through all of it", reply_to=prompt.result)
        assert parse(thanks.text).text == "Thanks: your note is saved."
    finally:
        await again.app.shutdown()
    reports = reports_of(reported_service)
    assert reports is not None
    report = await reports.state.report(1)
    assert report is not None and report.note == "sat through all of it"


async def test_an_answer_shared_inline_is_reported_in_a_private_chat(
    tg_reports: Harness,
) -> None:
    calls = await tg_reports.send(tg_reports.updates.inline_query("Quiet Orch"))
    (answered,) = [c for c in calls if c.method == "answerInlineQuery"]
    (result,) = [r for r in answered.params["results"] if r["id"] == FILM]
    data = [b["callback_data"] for row in result["reply_markup"]["inline_keyboard"] for b in row]
    assert f"w:{FILM}" in data

    calls = await tg_reports.send(tg_reports.updates.callback(f"w:{FILM}", inline_message_id="i1"))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert calls[0].params["url"] == f"https://t.me/{BOT_USERNAME}?start=r_{FILM}"

    (ask,) = await tg_reports.replies_to(f"/start r_{FILM}")
    assert [d for _, d in ask.buttons()] == [f"x{c}:{FILM}" for c in ("n", "d", "a", "b")]
    (help_reply, *_) = await tg_reports.replies_to("/start r_no-such-film-1900")
    assert not help_reply.buttons()
    assert "I tell you whether a film has a scene" in parse(help_reply.text).text
