"""``credits-bot``: the command line, and the one place that knows every adapter.

Adapters are imported lazily, only when asked to run (see :mod:`credits_bot.platforms`),
so ``ask`` and ``db`` start fast and never load a chat SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from bot.errors import BotError
from bot.i18n import LANGUAGES, NAMES, supported, translator
from bot.imports.commands import IMPORT_COMMANDS, add_parsers, run_import
from bot.live import LiveService
from bot.logs import handler_for
from bot.metrics import CountingLookup
from bot.models import Ambiguous, Found
from bot.render.answer import answer_document
from bot.render.jsonout import answer_json
from bot.render.text import render_text
from bot.reports import Reports
from bot.service import CreditsService
from bot.settings import Settings
from bot.state.open import open_state
from bot.store.build import build_from_sources, ensure_catalog
from bot.store.reader import CatalogReader
from credits_bot.platforms import BY_NAME, PLATFORMS, Platform, configured
from credits_bot.reports import add_parser as add_reports_parser
from credits_bot.reports import run as run_reports

log = logging.getLogger("credits-bot")

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_AMBIGUOUS = 3
EXIT_NOT_FOUND = 4


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # one clear line, exit 2
        self.exit(EXIT_USAGE, f"credits-bot: {message} (see 'credits-bot --help')\n")


def _common() -> _Parser:
    # SUPPRESS: an option given before the subcommand is not reset by the subcommand's
    # own default ("credits-bot --db X db build" and "credits-bot db build --db X" agree).
    common = _Parser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument(
        "--db", type=Path, help="catalog file (default: $CREDITS_DB or var/catalog.sqlite)"
    )
    common.add_argument("--verbose", "-v", action="store_true", help="show details and tracebacks")
    return common


LANG_HELP = "answer in this language: " + ", ".join(f"{c} ({NAMES[c]})" for c in LANGUAGES)


def _language(code: str) -> str:
    """``--lang``: a supported language (``es``, ``pt-BR``, ``de_AT``...), else an error."""
    lang = supported(code)
    if lang is None:
        raise argparse.ArgumentTypeError(
            f"unsupported language {code!r} (choose from {', '.join(LANGUAGES)})"
        )
    return lang


def _db_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``credits-bot db ...``: build, validate, stats and the import commands."""
    db = sub.add_parser("db", parents=[common], help="build, import, validate, stats")
    dbsub = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    dbsub.required = True
    dbsub.add_parser("build", parents=[common], help="build the catalog from data/")
    dbsub.add_parser("validate", parents=[common], help="check the data files without building")
    stats = dbsub.add_parser("stats", parents=[common], help="counts by verdict and source")
    stats.add_argument("--json", action="store_true")
    add_parsers(dbsub, common)


def _bench_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """``credits-bot bench``: title resolution at scale (and ``--load``)."""
    bench = sub.add_parser("bench", parents=[common], help="measure title resolution at scale")
    bench.add_argument(
        "--sizes", default="10000,100000,1000000", help="comma-separated catalog sizes"
    )
    bench.add_argument("--queries", type=int, default=600, help="queries per size")
    bench.add_argument("--json", action="store_true", help="print one JSON object per size")
    bench.add_argument("--workdir", type=Path, help="where the generated catalogs go")
    bench.add_argument(
        "--load",
        action="store_true",
        help="instead: concurrent asks through one service, and sustained answers/s "
        "through the Telegram adapter against a local fake Bot API",
    )
    bench.add_argument("--load-asks", type=int, default=1000, help="concurrent asks (--load)")
    bench.add_argument(
        "--load-messages", type=int, default=2000, help="Telegram messages, no limiter (--load)"
    )
    bench.add_argument(
        "--load-limited-messages",
        type=int,
        default=150,
        help="Telegram messages through the production limiter (--load)",
    )


def _parser() -> argparse.ArgumentParser:
    common = _common()

    p = _Parser(
        prog="credits-bot",
        description="Does this film have a scene during or after the credits?",
        parents=[common],
    )
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    ask = sub.add_parser("ask", parents=[common], help="answer one question")
    ask.add_argument("query", nargs="+", help="a title or a question")
    ask.add_argument(
        "--json", action="store_true", help="print the answer as JSON (in no language)"
    )
    ask.add_argument("--lang", type=_language, default="en", help=LANG_HELP)
    ask.add_argument(
        "--spoilers", action="store_true", help="show scene descriptions and the recap"
    )

    chat = sub.add_parser("chat", parents=[common], help="interactive console chat")
    chat.add_argument("--spoilers", action="store_true", help="show spoilers without asking")
    chat.add_argument("--lang", type=_language, default="en", help=LANG_HELP)

    sub.add_parser(
        "run", parents=[common], help="start every platform that has a token (or the console chat)"
    )
    for platform in PLATFORMS:
        runs = sub.add_parser(
            platform.name, parents=[common], help=f"run the {platform.name.title()} bot"
        )
        if platform.name == "discord":
            _add_discord_sync(runs, common)

    _db_parser(sub, common)

    add_reports_parser(sub, common)
    sub.add_parser("about", parents=[common], help="what the bot does, its sources, what it stores")

    _bench_parser(sub, common)
    return p


def _snowflake(raw: str) -> int:
    if not raw.isdigit() or int(raw) == 0:
        raise argparse.ArgumentTypeError(f"not a Discord id: {raw!r}")
    return int(raw)


def _add_discord_sync(discord_parser: argparse.ArgumentParser, common: _Parser) -> None:
    actions = discord_parser.add_subparsers(
        dest="discord_action", metavar="ACTION", parser_class=_Parser
    )
    sync = actions.add_parser(
        "sync",
        parents=[common],
        help="register the slash commands (globally, and to DISCORD_GUILD_ID if set)",
    )
    where = sync.add_mutually_exclusive_group()
    where.add_argument(
        "--guild", type=_snowflake, metavar="ID", help="register them to this guild only"
    )
    where.add_argument(
        "--clear-guild", type=_snowflake, metavar="ID", help="remove this guild's commands"
    )


def _discord_sync(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.discord.sync import run_sync

    lines = asyncio.run(
        run_sync(
            settings,
            guild_id=getattr(args, "guild", None),
            clear_guild=getattr(args, "clear_guild", None),
        )
    )
    for line in lines:
        print(line)
    return EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    settings = Settings.from_env()
    if settings.mirror_from is not None:
        from bot.home import mirror_bundled

        try:
            mirror_bundled(settings.mirror_from, settings.data_dir)
        except OSError as exc:
            raise BotError(
                f"cannot copy the bundled data into {settings.data_dir} "
                f"(CREDITS_HOME): {exc.strerror or exc}"
            ) from None
    if getattr(args, "db", None):
        from dataclasses import replace

        settings = replace(settings, db_path=args.db)
    return settings


async def _open_service(settings: Settings) -> CreditsService:
    path = await asyncio.to_thread(ensure_catalog, settings.data_dir, settings.db_path)
    return await CreditsService.open(path)


async def _ask(args: argparse.Namespace, settings: Settings) -> int:
    async with await _open_service(settings) as service:
        answer = await service.ask(" ".join(args.query))
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        t = translator(args.lang)
        doc = answer_document(answer, include_recap=args.spoilers, t=t)
        print(render_text(doc, spoilers=args.spoilers, colour=sys.stdout.isatty()))
    if isinstance(answer, Found):
        return EXIT_OK
    return EXIT_AMBIGUOUS if isinstance(answer, Ambiguous) else EXIT_NOT_FOUND


async def _chat(args: argparse.Namespace, settings: Settings) -> int:
    from adapters.console.chat import chat

    async with await _open_service(settings) as service, await open_state(settings) as state:
        reports = Reports(state, service.reader)
        return await chat(
            service,
            spoilers=getattr(args, "spoilers", False),
            lang=getattr(args, "lang", None),
            reports=reports,
        )


def _db(args: argparse.Namespace, settings: Settings) -> int:
    action = args.db_command
    if action == "build":
        built = build_from_sources(settings.data_dir, settings.db_path)
        print(
            f"built {built.path}: {built.films} films, {built.names} names in {built.seconds:.2f}s"
        )
        return EXIT_OK
    if action == "validate":
        from bot.sources import iter_films, source_files

        files = source_files(settings.data_dir)
        count = sum(1 for _ in iter_films(files))
        print(f"ok: {count} films in {len(files)} files")
        return EXIT_OK
    if action in IMPORT_COMMANDS:
        return run_import(args, settings)
    if action == "stats":
        return asyncio.run(_stats(args, settings))
    raise BotError(f"unknown db action {action!r}")


async def _stats(args: argparse.Namespace, settings: Settings) -> int:
    path = await asyncio.to_thread(ensure_catalog, settings.data_dir, settings.db_path)
    async with await CatalogReader.open(path) as reader:
        stats = await reader.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
    else:
        print(f"films: {stats['films']}  with a recorded verdict: {stats['with_credits']}")
        for verdict, n in stats["verdicts"].items():
            print(f"  {verdict:<8} {n}")
        print("verdicts by source:")
        for source, n in stats["sources"].items():
            print(f"  {n:>7}  {source}")
        cov = stats["coverage"]
        print("coverage: " + ", ".join(f"{k} {v:,}" for k, v in cov.items()))
        recent = stats["since_1980_with_verdict"]
        print(
            f"films since 1980 with a verdict: {recent['films']:,}; "
            + ", ".join(
                f"{k} {recent[k + '_share']:.0%}"
                for k in ("recap", "synopsis", "ratings", "box_office", "runtime", "directors")
            )
        )
    return EXIT_OK


async def _serve(
    platforms: Sequence[Platform], settings: Settings, stop: asyncio.Event | None = None
) -> int:
    """Serve ``platforms`` until SIGINT/SIGTERM (or until ``stop`` is set, when given)."""
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
    path = await asyncio.to_thread(ensure_catalog, settings.data_dir, settings.db_path)
    # A rebuilt catalog (an import, an accepted report) is served without a restart.
    async with (
        await LiveService.open(path) as service,
        await open_state(settings) as state,
        _http(settings, service, platforms),
    ):
        service.reports = Reports(state, service.service.reader)
        runners = [(platform.name, platform.serve()) for platform in platforms]
        log.info("starting %s", ", ".join(p.name for p in platforms))
        # Each platform's answers are counted under its name (see bot.metrics).
        tasks: list[asyncio.Task[None]] = [
            asyncio.create_task(run(settings, CountingLookup(service, name), stop))
            for name, run in runners
        ]
        try:
            done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if task.exception() is not None:
                    stop.set()
                    await asyncio.gather(*tasks, return_exceptions=True)
                    raise task.exception()  # type: ignore[misc]
        finally:
            stop.set()
    log.info("stopped cleanly")
    return EXIT_OK


@contextlib.asynccontextmanager
async def _http(
    settings: Settings, service: LiveService, platforms: Sequence[Platform]
) -> AsyncIterator[None]:
    """The health and metrics port while serving, when ``CREDITS_HTTP_PORT`` is set."""
    if settings.http_port is None:
        yield
        return
    from credits_bot.http import HealthServer

    server = HealthServer(
        service.film_count,
        [p.name for p in platforms],
        host=settings.http_host,
        port=settings.http_port,
    )
    try:
        await server.start()
    except OSError as exc:
        raise BotError(
            f"cannot listen on {settings.http_host}:{settings.http_port} "
            f"(CREDITS_HTTP_HOST, CREDITS_HTTP_PORT): {exc.strerror or exc}"
        ) from None
    try:
        yield
    finally:
        await server.stop()


async def _platform(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "run":
        platforms = configured(settings)
        if not platforms:
            names = ", ".join(p.token_variable for p in PLATFORMS)
            print(f"No platform token configured ({names}): starting the console chat.")
            return await _chat(args, settings)
        return await _serve(platforms, settings)
    platform = BY_NAME[args.command]
    if platform.token(settings) is None:
        raise BotError(
            f"{platform.token_variable} is not set (in the environment or .env): "
            f"cannot start {platform.name}"
        )
    return await _serve([platform], settings)


def _configure_logging(settings: Settings | None, verbose: bool) -> None:
    level = (
        logging.DEBUG
        if verbose
        else getattr(logging, settings.log_level if settings else "INFO", logging.INFO)
    )
    secrets = settings.secrets() if settings else []
    fmt = settings.log_format if settings else "text"
    logging.basicConfig(level=level, handlers=[handler_for(fmt, secrets, sys.stderr)])
    # httpx logs request URLs, and the Telegram URL carries the bot token.
    for noisy in ("httpx", "httpcore", "discord.http", "discord.gateway", "aiosqlite"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    verbose = bool(getattr(args, "verbose", False))
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    try:
        settings = _settings(args)
        quiet = args.command in ("ask", "db", "bench", "chat", "reports")
        _configure_logging(settings, verbose)
        if quiet and not verbose:
            logging.getLogger().setLevel(logging.WARNING)
        if args.command == "ask":
            return asyncio.run(_ask(args, settings))
        if args.command == "chat":
            return asyncio.run(_chat(args, settings))
        if args.command == "db":
            return _db(args, settings)
        if args.command == "about":
            from bot.render.about import about_document

            print(render_text(about_document(), colour=sys.stdout.isatty()))
            return EXIT_OK
        if args.command == "reports":
            return run_reports(args, settings)
        if args.command == "bench" and args.load:
            from credits_bot.loadbench import print_load, run_load

            result = asyncio.run(
                run_load(settings, args.load_asks, args.load_messages, args.load_limited_messages)
            )
            print_load(result, args.json)
            return EXIT_OK
        if args.command == "bench":
            from bot.bench.resolver import run_bench

            return run_bench(args, settings)
        if args.command == "discord" and getattr(args, "discord_action", None) == "sync":
            return _discord_sync(args, settings)
        return asyncio.run(_platform(args, settings))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # e.g. piped into head: not an error worth a line
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
        return EXIT_OK
    except BotError as exc:
        if verbose:
            log.exception("failed")
        print(f"credits-bot: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a fault: one line for the user, details with --verbose
        if verbose:
            log.exception("unexpected failure")
        print(
            f"credits-bot: unexpected error: {type(exc).__name__}: {exc} "
            "(run with --verbose for details)",
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
