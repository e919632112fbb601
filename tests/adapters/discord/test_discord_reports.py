"""Viewers' reports in Discord: what answers show of them."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from discord_testkit import (
    EPHEMERAL,
    USER_ID,
    Harness,
    _interaction,
    check_well_formed,
    component_payload,
    components,
    custom_ids,
    snowflake,
)

from bot.reports import reports_of
from bot.service import CreditsService
from bot.settings import Settings
from bot.state.base import Claim

FILM = "quiet-orchard-1999"
MakeBot = Callable[..., Awaitable[Harness]]


async def test_an_unknown_film_shows_what_viewers_report(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    reports = reports_of(reported_service)
    assert reports is not None
    for user in (1, 2, 3):
        await reports.submit(FILM, "discord", user, Claim.DURING)
    await reports.submit(FILM, "discord", 4, Claim.NONE)
    _, reply = await bot.command("credits", "Quiet Orchard")
    check_well_formed(reply)
    shown = json.dumps(reply.message_data["embeds"], ensure_ascii=False)
    assert "Viewers disagree: 3 report a scene during the credits; " in shown
    assert "1 reports nothing during or after the credits (not yet confirmed)" in shown
    _, russian = await bot.command("credits", "Quiet Orchard", locale="ru")
    shown = json.dumps(russian.message_data["embeds"], ensure_ascii=False)
    assert "Мнения зрителей расходятся: 3 сообщают о сцене во время титров" in shown


async def wrong_modal(bot: Harness, title: str, *, locale: str = "en-US") -> dict[str, Any]:
    """Ask about a film, press the report button under the answer: the modal it opened."""
    _, reply = await bot.command("credits", title, locale=locale)
    message = bot.message_of(reply)
    (wrong,) = [i for i in custom_ids(message) if i.startswith("credits:wrong:")]
    _, opened = await bot.click(message, wrong, locale=locale)
    assert opened.body["type"] == 9
    assert bot.fake.rejected == []
    return bot.fake.modals[-1]


async def test_wrong_opens_a_modal_and_records_the_report(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    reports = reports_of(reported_service)
    assert reports is not None
    _, reply = await bot.command("credits", "Lantern Keepers")
    labels = [c.get("label") for c in components(bot.message_of(reply))]
    assert "Wrong?" in labels
    assert "credits:wrong:lantern-keepers-2017" in custom_ids(bot.message_of(reply))

    modal = await wrong_modal(bot, "Lantern Keepers")
    assert modal["title"] == "Report: Lantern Keepers (2017)"
    select = modal["components"][0]["component"]
    assert [o["value"] for o in select["options"]] == [
        "wrong-film", "during", "after", "both", "none", "other"
    ]  # fmt: skip
    assert modal["components"][1]["component"]["max_length"] == 300

    hostile = "@everyone <@123456789012345678> **bold** ||spoiler|| " * 10
    _, done = await bot.submit(modal, {"claim": ["after"], "note": hostile}, user_id=555)
    check_well_formed(done)
    data = done.message_data
    assert data["flags"] & EPHEMERAL
    assert (
        data["content"]
        == "Thanks: your report about Lantern Keepers (2017) is recorded for review."
    )
    (report,) = await reports.state.reports()
    assert (report.film_id, report.claim) == ("lantern-keepers-2017", Claim.AFTER)
    assert report.note is not None and len(report.note) <= 300
    assert report.person == await reports.person("discord", 555)


async def test_i_watched_it_for_an_unknown_film_and_the_limit(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    reports = reports_of(reported_service)
    assert reports is not None
    _, reply = await bot.command("credits", "Quiet Orchard", locale="es-ES")
    assert "La he visto" in [c.get("label") for c in components(bot.message_of(reply))]
    modal = await wrong_modal(bot, "Quiet Orchard", locale="es-ES")
    options = modal["components"][0]["component"]["options"]
    assert [o["value"] for o in options] == ["none", "during", "after", "both"]
    assert modal["components"][0]["label"] == "¿Qué viste?"

    for n in range(1, 11):
        await reports.submit(f"paper-comet-{n}-{2000 + n}", "discord", USER_ID, Claim.NONE)
    _, limited = await bot.submit(modal, {"claim": ["after"]})
    assert limited.message_data["flags"] & EPHEMERAL
    assert limited.message_data["content"] == (
        "That is a lot of reports for one hour: please try later."
    )
    assert (await reports.state.tally(FILM)).counts == {}
    # A forged value the modal did not offer is refused.
    modal = await wrong_modal(bot, "Quiet Orchard")
    _, forged = await bot.submit(modal, {"claim": ["wrong-film"]}, user_id=9)
    assert forged.message_data["flags"] & EPHEMERAL
    assert (await reports.state.tally(FILM)).counts == {}


async def test_two_people_reporting_at_once_are_both_recorded(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    first = await wrong_modal(bot, "Quiet Orchard")
    second = await wrong_modal(bot, "Quiet Orchard")
    await bot.submit(first, {"claim": ["after"]}, user_id=1)
    await bot.submit(second, {"claim": ["during"]}, user_id=2)
    reports = reports_of(reported_service)
    assert reports is not None
    assert (await reports.state.tally(FILM)).counts == {Claim.AFTER: 1, Claim.DURING: 1}


async def test_the_report_button_survives_a_restart(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    first = await make_bot(reported_service)
    _, reply = await first.command("credits", "Lantern Keepers")
    message = first.message_of(reply)
    restarted = await make_bot(reported_service)
    _, opened = await restarted.click(message, "credits:wrong:lantern-keepers-2017")
    assert opened.body["type"] == 9
    # A form opened before a restart is still taken afterwards.
    again = await make_bot(reported_service)
    _, done = await again.submit(restarted.fake.modals[-1], {"claim": ["both"]})
    assert done.message_data["content"].startswith("Thanks: your report about Lantern Keepers")
    reports = reports_of(reported_service)
    assert reports is not None
    assert (await reports.state.tally("lantern-keepers-2017")).counts == {Claim.BOTH: 1}


MANAGE_GUILD = 1 << 5


def settings_payload(
    options: dict[str, Any], *, manage: bool, user_id: int = USER_ID, locale: str = "en-US"
) -> dict[str, Any]:
    kinds = {"public": 5, "language": 3, "scene-descriptions": 5}
    data = {
        "id": str(snowflake()),
        "name": "settings",
        "type": 1,
        "options": [{"name": k, "type": kinds[k], "value": v} for k, v in options.items()],
    }
    payload = _interaction(2, data, user_id=user_id, locale=locale)
    permissions = int(payload["member"]["permissions"])
    permissions = permissions | MANAGE_GUILD if manage else permissions & ~MANAGE_GUILD
    payload["member"]["permissions"] = str(permissions)
    return payload


async def run(bot: Harness, payload: dict[str, Any]) -> dict[str, Any]:
    bot.dispatch(payload)
    (reply,) = await bot.fake.replies(payload)
    check_well_formed(reply)
    data: dict[str, Any] = reply.message_data
    return data


async def test_settings_are_refused_to_members_without_manage_server(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    registered = {c["name"]: c for c in bot.fake.commands["global"]}["settings"]
    assert int(registered["default_member_permissions"]) == MANAGE_GUILD
    refused = await run(bot, settings_payload({"public": False}, manage=False))
    assert refused["flags"] & EPHEMERAL
    assert refused["content"] == (
        "Only members who can manage this server can change its settings."
    )
    _, reply = await bot.command("credits", "Lantern Keepers")
    assert not reply.message_data.get("flags", 0) & EPHEMERAL


async def test_settings_make_replies_private_and_choose_the_language(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    shown = await run(bot, settings_payload({"public": False, "language": "fr"}, manage=True))
    assert shown["flags"] & EPHEMERAL
    assert "Réponses : pour la seule personne qui demande" in shown["content"]
    assert "Français" in shown["content"]
    _, reply = await bot.command("credits", "Lantern Keepers", user_id=77)
    assert reply.message_data["flags"] & EPHEMERAL
    title = reply.message_data["embeds"][0]["title"]
    assert title.startswith("Non")
    # In a DM the server's choice does not apply.
    _, dm = await bot.command("credits", "Lantern Keepers", where="dm")
    assert not dm.message_data.get("flags", 0) & EPHEMERAL
    assert dm.message_data["embeds"][0]["title"].startswith("No —")

    back = await run(bot, settings_payload({"public": True, "language": "-"}, manage=True))
    assert "Replies: visible to everyone" in back["content"]
    _, reply = await bot.command("credits", "Lantern Keepers", user_id=77)
    assert not reply.message_data.get("flags", 0) & EPHEMERAL
    assert reply.message_data["embeds"][0]["title"].startswith("No —")


PARROT = "The ferry captain finally finds his lost parrot."


async def test_settings_leave_scene_descriptions_out_and_bring_them_back(
    make_bot: MakeBot, reported_service: CreditsService
) -> None:
    bot = await make_bot(reported_service)
    registered = {c["name"]: c for c in bot.fake.commands["global"]}["settings"]
    option = {o["name"]: o for o in registered["options"]}["scene-descriptions"]
    assert option["type"] == 5 and len(option["description"]) <= 100
    assert option["name_localizations"]["de"] == "szenenbeschreibungen"
    _, before = await bot.command("credits", "Harbor Lights")
    shown = json.dumps(before.message_data["embeds"], ensure_ascii=False)
    assert f"||{PARROT}||" in shown  # described, and only behind spoiler tags

    refused = await run(bot, settings_payload({"scene-descriptions": False}, manage=False))
    assert refused["content"].startswith("Only members who can manage")
    _, still = await bot.command("credits", "Harbor Lights")
    assert PARROT in json.dumps(still.message_data["embeds"], ensure_ascii=False)

    saved = await run(bot, settings_payload({"scene-descriptions": False}, manage=True))
    assert "Scene descriptions: left out" in saved["content"]
    _, after = await bot.command("credits", "Harbor Lights", user_id=77)
    check_well_formed(after)
    shown = json.dumps(after.message_data["embeds"], ensure_ascii=False)
    assert "parrot" not in shown
    assert "After the credits (a gag)" in shown  # still says what is there, and where
    assert "Scene descriptions are left out in this chat (/settings)." in shown
    # A DM is another chat: its person's choice, not the server's.
    _, dm = await bot.command("credits", "Harbor Lights", where="dm")
    assert PARROT in json.dumps(dm.message_data["embeds"], ensure_ascii=False)

    back = await run(bot, settings_payload({"scene-descriptions": True}, manage=True))
    assert "Scene descriptions: shown, behind spoiler tags" in back["content"]
    _, again = await bot.command("credits", "Harbor Lights")
    assert f"||{PARROT}||" in json.dumps(again.message_data["embeds"], ensure_ascii=False)


async def test_the_review_channel_gets_each_report_and_only_maintainers_decide(
    make_bot: MakeBot, reported_service: CreditsService, tmp_path: Path
) -> None:
    settings = replace(
        Settings(),
        data_dir=tmp_path / "reported-data",
        db_path=tmp_path / "reported.sqlite",
        review_discord_channel_id=4242,
        maintainer_ids=frozenset({"discord:99"}),
    )
    bot = await make_bot(reported_service, settings=settings)
    reports = reports_of(reported_service)
    assert reports is not None
    modal = await wrong_modal(bot, "Quiet Orchard")
    hostile = "@everyone <@&123456789012345678> ||x|| **y**"
    await bot.submit(modal, {"claim": ["after"], "note": hostile}, user_id=555)
    (posted,) = await bot.fake.wait_for(
        lambda r: r.method == "POST" and r.path == "/channels/4242/messages"
    )
    check_well_formed(posted)
    assert "Quiet Orchard (1999)" in posted.body["content"]
    message = next(m for m in bot.fake.messages.values() if m["content"] == posted.body["content"])
    assert custom_ids(message) == ["credits:review:a:1", "credits:review:r:1"]

    _, refused = await bot.click(message, "credits:review:a:1", user_id=7)
    assert refused.message_data["flags"] & EPHEMERAL
    assert refused.message_data["content"] == "Only the bot's maintainers can review reports."
    report = await reports.state.report(1)
    assert report is not None and report.status.value == "pending"

    payload = component_payload(message, "credits:review:a:1", user_id=99)
    bot.dispatch(payload)
    deferred, done = await bot.fake.replies(payload, count=2)
    assert deferred.body["type"] == 5
    assert done.message_data["content"] == "Accepted."
    report = await reports.state.report(1)
    assert report is not None and report.status.value == "accepted"
    corrections = (tmp_path / "reported-data" / "local" / "corrections.jsonl").read_text()
    assert '"verdict": "after"' in corrections
