"""``credits-bot reports list|show|accept|reject|forget``: reviewing what viewers report."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

from bot.errors import BotError
from bot.reports import Reports
from bot.settings import Settings
from bot.state.base import Report, Status
from bot.state.open import open_state
from bot.store.build import ensure_catalog
from bot.store.reader import CatalogReader


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    reports = sub.add_parser("reports", parents=[common], help="review what viewers report")
    rsub = reports.add_subparsers(dest="reports_command", metavar="ACTION")
    rsub.required = True
    ls = rsub.add_parser("list", parents=[common], help="reports, newest first")
    ls.add_argument("--status", choices=[s.value for s in Status], default="pending")
    ls.add_argument("--all", action="store_true", help="every status")
    ls.add_argument("--json", action="store_true")
    show = rsub.add_parser("show", parents=[common], help="one report")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    acc = rsub.add_parser(
        "accept", parents=[common], help="record the reported verdict as a fact and rebuild"
    )
    acc.add_argument("id", type=int)
    rej = rsub.add_parser("reject", parents=[common], help="dismiss a report")
    rej.add_argument("id", type=int)
    forget = rsub.add_parser(
        "forget", parents=[common], help="delete everything stored about a person"
    )
    forget.add_argument("platform", choices=["discord", "telegram", "console"])
    forget.add_argument("user", help="the person's user id on that platform")


def run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_run(args, settings))


def _row(r: Report) -> dict[str, Any]:
    data = dataclasses.asdict(r)
    data["claim"], data["status"] = r.claim.value, r.status.value
    data["created"] = datetime.fromtimestamp(r.created, UTC).isoformat(timespec="seconds")
    return data


def _line(r: Report) -> str:
    when = datetime.fromtimestamp(r.created, UTC).strftime("%Y-%m-%d %H:%M")
    note = f" — {r.note}" if r.note else ""
    return f"#{r.id} {when} {r.status:<8} {r.film_id}: {r.claim} ({r.platform}){note}"


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    action = args.reports_command
    path = await asyncio.to_thread(ensure_catalog, settings.data_dir, settings.db_path)
    async with await open_state(settings) as state, await CatalogReader.open(path) as reader:
        reports = Reports(state, reader)
        if action == "list":
            status = None if args.all else Status(args.status)
            found = await state.reports(status, limit=500)
            if args.json:
                print(json.dumps([_row(r) for r in found], ensure_ascii=False, indent=2))
            else:
                for r in found:
                    print(_line(r))
                print(f"{len(found)} report(s)")
            return 0
        if action == "show":
            one = await state.report(args.id)
            if one is None:
                raise BotError(f"no report {args.id}")
            print(json.dumps(_row(one), ensure_ascii=False, indent=2) if args.json else _line(one))
            return 0
        if action == "accept":
            built = await reports.accept(args.id, settings.data_dir, settings.db_path)
            print(f"accepted #{args.id}; catalog rebuilt ({built.films:,} films)")
            return 0
        if action == "reject":
            await reports.reject(args.id)
            print(f"rejected #{args.id}")
            return 0
        person = await reports.person(args.platform, args.user)
        print(f"forgot {await state.forget(person)} report(s)")
        return 0
