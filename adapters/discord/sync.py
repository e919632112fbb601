"""Registering the slash commands with Discord.

A bulk overwrite at every start re-registers commands that did not change (Discord rate
limits command registration, and clients show duplicates while it settles), so the bot
registers at start only when the command set changed: a hash of the exact payload sent
(names, descriptions, translations, options) is kept per application and scope in the
state directory. ``credits-bot discord sync`` registers on demand, to a guild with
``--guild``, and ``--clear-guild`` removes a guild's commands (stale test registrations).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import discord
from discord import app_commands

from bot.atomic import write_json_atomic
from bot.errors import ConfigError
from bot.settings import Settings

log = logging.getLogger(__name__)

STATE_FILE = "discord-commands.json"
GLOBAL = "global"


async def command_payload(
    tree: app_commands.CommandTree[Any], guild: discord.abc.Snowflake | None
) -> list[dict[str, Any]]:
    """What ``tree.sync(guild=guild)`` would send, translations included."""
    translator = tree.translator
    payload: list[dict[str, Any]] = []
    for command in tree.get_commands(guild=guild):
        if translator is not None:
            payload.append(await command.get_translated_payload(tree, translator))
        else:
            payload.append(command.to_dict(tree))
    return payload


def fingerprint(payload: list[dict[str, Any]]) -> str:
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class SyncRecord:
    """The hashes of the payloads last registered, by application and scope, in a file."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._hashes: dict[str, str] = {}
        if path is not None:
            try:
                loaded = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                loaded = {}
            if isinstance(loaded, dict):
                self._hashes = {str(k): str(v) for k, v in loaded.items()}

    @staticmethod
    def key(application_id: int | None, scope: str) -> str:
        return f"{application_id}/{scope}"

    def get(self, key: str) -> str | None:
        return self._hashes.get(key)

    def put(self, key: str, digest: str) -> None:
        self._hashes[key] = digest
        if self.path is None:
            return
        try:
            write_json_atomic(self.path, dict(sorted(self._hashes.items())))
        except OSError as exc:
            log.warning("Could not note the registered commands in %s: %s", self.path, exc)


async def sync_scope(
    tree: app_commands.CommandTree[Any],
    guild: discord.abc.Snowflake | None,
    record: SyncRecord,
    *,
    force: bool,
) -> bool:
    """Register the commands of one scope unless the same payload was registered last
    time (or ``force``); True when a bulk overwrite was sent."""
    scope = GLOBAL if guild is None else str(guild.id)
    key = record.key(tree.client.application_id, scope)
    digest = fingerprint(await command_payload(tree, guild))
    if not force and record.get(key) == digest:
        log.info("Discord: commands unchanged (%s): not registering them again", scope)
        return False
    synced = await tree.sync(guild=guild)
    record.put(key, digest)
    log.info("Discord: registered %d commands (%s)", len(synced), scope)
    return True


async def sync_at_start(
    tree: app_commands.CommandTree[Any], guild_id: int | None, state_dir: Path | None
) -> None:
    """Register the commands that changed, globally and to the test guild if set.

    Without a state directory every start registers them. A failure is logged, not
    raised: the commands registered last time keep working, and the next start retries.
    """
    record = SyncRecord(state_dir / STATE_FILE if state_dir is not None else None)
    force = state_dir is None
    try:
        await sync_scope(tree, None, record, force=force)
    except discord.HTTPException:
        log.exception("Could not register the global commands")
    if guild_id is None:
        return
    guild = discord.Object(id=guild_id)
    tree.copy_global_to(guild=guild)
    try:
        await sync_scope(tree, guild, record, force=force)
    except discord.HTTPException:
        log.exception("Could not register the commands to guild %s", guild_id)


async def run_sync(
    settings: Settings, *, guild_id: int | None = None, clear_guild: int | None = None
) -> list[str]:
    """``credits-bot discord sync``: log in (no gateway), register, log out. Returns one
    line per scope for the user. Raises ConfigError without a token or when Discord
    rejects it; an HTTP failure is raised as it is."""
    from adapters.discord.app import CreditsTree, build_commands, intents
    from adapters.discord.language import CommandTranslator
    from adapters.discord.runner import quiet_loggers

    if settings.discord_token is None:
        raise ConfigError("DISCORD_BOT_TOKEN is not set: cannot register the commands.")
    quiet_loggers()
    record = SyncRecord(settings.state_dir / STATE_FILE)
    lines: list[str] = []
    client = discord.Client(intents=intents())
    tree = CreditsTree(client)
    for command in build_commands():
        tree.add_command(command)
    async with client:
        try:
            await client.login(settings.discord_token.get())
        except discord.LoginFailure:
            raise ConfigError("Discord rejected DISCORD_BOT_TOKEN.") from None
        await tree.set_translator(CommandTranslator())
        if clear_guild is not None:
            guild = discord.Object(id=clear_guild)
            tree.clear_commands(guild=guild)
            await tree.sync(guild=guild)
            record.put(record.key(client.application_id, str(clear_guild)), fingerprint([]))
            lines.append(f"removed the commands of guild {clear_guild}")
            return lines
        target = guild_id
        if target is None:
            await sync_scope(tree, None, record, force=True)
            lines.append(f"registered {len(tree.get_commands())} global commands")
            target = settings.discord_guild_id
        if target is not None:
            guild = discord.Object(id=target)
            tree.copy_global_to(guild=guild)
            await sync_scope(tree, guild, record, force=True)
            count = len(tree.get_commands(guild=guild))
            lines.append(f"registered {count} commands to guild {target}")
    return lines
