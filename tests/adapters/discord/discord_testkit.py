"""A fake Discord (REST + gateway on 127.0.0.1), payload factories and checks.

The real discord.py talks HTTP to :class:`FakeDiscord` (``Route.BASE`` is patched) and,
for the smoke test, a websocket (``DEFAULT_GATEWAY`` is patched). Interactions are fed
to the client's connection-state parser, the same path a gateway dispatch takes. The
fake enforces Discord's limits with a real-style 400 (code 50035) and records every
request. Payload shapes are those of discord.py 2.7 (pinned in pyproject.toml).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from adapters.discord.app import CreditsClient
from adapters.discord.replies import CreditsLookup
from bot.models import (
    Ambiguous,
    Answer,
    Candidate,
    Choice,
    Credits,
    Film,
    Found,
    Match,
    MatchMethod,
    NotFound,
    Position,
    Query,
    Ratings,
    Scene,
    Verdict,
)

TOKEN = "fake-bot-token.Xy.zzzzzzzzzzzzzzzzzzzzzzzzz"
APP_ID = 1100000000000000001
BOT_ID = APP_ID
GUILD_ID = 1200000000000000001
CHANNEL_ID = 1300000000000000001
DM_CHANNEL_ID = 1300000000000000002
USER_ID = 1400000000000000001
OTHER_USER_ID = 1400000000000000002
OWNER_ID = 1400000000000000009
EPHEMERAL = 1 << 6
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content

_ids = itertools.count(1500000000000000001)


def snowflake() -> int:
    return next(_ids)


def user_payload(
    user_id: int = USER_ID, name: str = "alice", *, bot: bool = False
) -> dict[str, Any]:
    return {
        "id": str(user_id),
        "username": name,
        "global_name": name.title(),
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
    }


BOT_USER = user_payload(BOT_ID, "credits-bot", bot=True)


def application_payload() -> dict[str, Any]:
    return {
        "id": str(APP_ID),
        "name": "credits-bot",
        "icon": None,
        "description": "Does this film have a scene after the credits?",
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": user_payload(OWNER_ID, "owner"),
        "verify_key": "0" * 64,
        "flags": 0,
        "rpc_origins": [],
        "summary": "",
        "team": None,
    }


# --- interaction payloads -------------------------------------------------------------


def _where(where: str, user_id: int) -> dict[str, Any]:
    """The parts of an interaction that say where it happened and who did it."""
    if where == "guild":
        return {
            "guild_id": str(GUILD_ID),
            "channel_id": str(CHANNEL_ID),
            "channel": {
                "id": str(CHANNEL_ID),
                "type": 0,
                "guild_id": str(GUILD_ID),
                "name": "general",
                "position": 0,
                "permission_overwrites": [],
                "nsfw": False,
                "parent_id": None,
            },
            "member": {
                "user": user_payload(user_id),
                "roles": [],
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
                "permissions": "2248473465835073",
            },
            "app_permissions": "2248473465835073",
            "guild_locale": "en-US",
            "authorizing_integration_owners": {"0": str(GUILD_ID)},
            "context": 0,
        }
    if where == "dm":
        return {
            "channel_id": str(DM_CHANNEL_ID),
            "channel": {
                "id": str(DM_CHANNEL_ID),
                "type": 1,
                "recipients": [user_payload(user_id)],
            },
            "user": user_payload(user_id),
            "app_permissions": "0",
            "authorizing_integration_owners": {"1": str(user_id)},
            "context": 1,
        }
    if where == "user-install":  # a user-installed app used in a server without the bot
        data = _where("guild", user_id)
        data["authorizing_integration_owners"] = {"1": str(user_id)}
        data["context"] = 0
        return data
    raise ValueError(where)


def _interaction(
    itype: int,
    data: dict[str, Any],
    *,
    where: str = "guild",
    user_id: int = USER_ID,
    locale: str = "en-US",
) -> dict[str, Any]:
    iid = snowflake()
    return {
        "id": str(iid),
        "application_id": str(APP_ID),
        "type": itype,
        "token": f"itoken-{iid}",
        "version": 1,
        "data": data,
        "locale": locale,
        "guild_locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": 8 * 1024 * 1024,
        **_where(where, user_id),
    }


def command_payload(
    name: str,
    value: str,
    *,
    where: str = "guild",
    user_id: int = USER_ID,
    focused: bool = False,
    locale: str = "en-US",
) -> dict[str, Any]:
    option: dict[str, Any] = {"name": "title", "type": 3, "value": value}
    if focused:
        option["focused"] = True
    data = {"id": str(snowflake()), "name": name, "type": 1, "options": [option]}
    return _interaction(4 if focused else 2, data, where=where, user_id=user_id, locale=locale)


def component_payload(
    message: dict[str, Any],
    custom_id: str,
    *,
    values: list[str] | None = None,
    where: str = "guild",
    user_id: int = USER_ID,
    locale: str = "en-US",
) -> dict[str, Any]:
    data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2}
    if values is not None:
        data = {"custom_id": custom_id, "component_type": 3, "values": values}
    payload = _interaction(3, data, where=where, user_id=user_id, locale=locale)
    payload["message"] = message
    return payload


def modal_submit_payload(
    modal: dict[str, Any],
    values: dict[str, str | list[str]],
    *,
    user_id: int = USER_ID,
    locale: str = "en-US",
) -> dict[str, Any]:
    """A MODAL_SUBMIT for a modal the bot opened: ``values`` by each input's custom_id
    (a list for a select, text for a text input)."""
    components = []
    for comp in modal["components"]:
        inner = comp["component"]
        value = values.get(inner["custom_id"])
        if inner["type"] == 3:
            submitted = {"type": 3, "custom_id": inner["custom_id"], "values": value or []}
        else:
            submitted = {"type": 4, "custom_id": inner["custom_id"], "value": value or ""}
        components.append({"type": 18, "component": submitted})
    data = {"custom_id": modal["custom_id"], "components": components}
    return _interaction(5, data, user_id=user_id, locale=locale)


# --- the fake server ------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    body: Any
    status: int = 0
    """The HTTP status answered; 0 when the fake dropped the connection instead."""
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        if self.path.endswith("/callback"):
            return "callback"
        if "/webhooks/" in self.path:
            return "edit" if self.method == "PATCH" else "followup"
        return "other"

    @property
    def message_data(self) -> dict[str, Any]:
        """The message a callback, follow-up or edit carries."""
        if self.kind == "callback":
            data: dict[str, Any] = self.body.get("data") or {}
            return data
        body: dict[str, Any] = self.body or {}
        return body


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int
    drop: bool = False
    """Close the connection without an HTTP reply (``status`` is then unused)."""

    def response(self) -> web.Response:
        return _json(self.body, self.status, self.headers)


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        status=status,
        body=json.dumps(data).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )


def limit_problems(data: dict[str, Any]) -> list[str]:
    """What Discord would reject in a message payload (interaction reply or webhook)."""
    problems: list[str] = []
    content = data.get("content") or ""
    if len(content) > 2000:
        problems.append(f"content is {len(content)} characters")
    embeds = data.get("embeds") or []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds")
    total = 0
    for embed in embeds:
        title = embed.get("title") or ""
        desc = embed.get("description") or ""
        author = (embed.get("author") or {}).get("name") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        fields = embed.get("fields") or []
        if len(title) > 256:
            problems.append(f"embed title is {len(title)} characters")
        if len(desc) > 4096:
            problems.append(f"embed description is {len(desc)} characters")
        if len(author) > 256:
            problems.append("embed author too long")
        if len(footer) > 2048:
            problems.append("embed footer too long")
        if len(fields) > 25:
            problems.append(f"{len(fields)} fields")
        for f in fields:
            if not 1 <= len(f.get("name") or "") <= 256:
                problems.append(f"field name of {len(f.get('name') or '')} characters")
            if not 1 <= len(f.get("value") or "") <= 1024:
                problems.append(f"field value of {len(f.get('value') or '')} characters")
            total += len(f.get("name") or "") + len(f.get("value") or "")
        total += len(title) + len(desc) + len(author) + len(footer)
    if total > 6000:
        problems.append(f"embeds total {total} characters")
    for row in data.get("components") or []:
        comps = row.get("components") or []
        if len(comps) > 5:
            problems.append("more than 5 components in a row")
        for comp in comps:
            if len(comp.get("custom_id") or "") > 100:
                problems.append("custom_id longer than 100")
            if len(comp.get("label") or "") > 80:
                problems.append("button label longer than 80")
            options = comp.get("options") or []
            if len(options) > 25:
                problems.append("more than 25 options")
            for opt in options:
                if not 1 <= len(opt.get("label") or "") <= 100:
                    problems.append("option label not 1-100 characters")
                if not 1 <= len(opt.get("value") or "") <= 100:
                    problems.append("option value not 1-100 characters")
    return problems


def modal_problems(data: dict[str, Any]) -> list[str]:
    """What Discord would reject in a modal (interaction callback type 9)."""
    problems: list[str] = []
    if not 1 <= len(data.get("title") or "") <= 45:
        problems.append("modal title not 1-45 characters")
    if not 1 <= len(data.get("custom_id") or "") <= 100:
        problems.append("modal custom_id not 1-100 characters")
    top = data.get("components") or []
    if not 1 <= len(top) <= 5:
        problems.append(f"{len(top)} components in a modal")
    for comp in top:
        if comp.get("type") != 18:
            problems.append(f"component type {comp.get('type')} at the top of a modal")
            continue
        if not 1 <= len(comp.get("label") or "") <= 45:
            problems.append("label text not 1-45 characters")
        inner = comp.get("component") or {}
        if not 1 <= len(inner.get("custom_id") or "") <= 100:
            problems.append("custom_id not 1-100 characters")
        if inner.get("type") == 4 and not 1 <= int(inner.get("max_length", 4000)) <= 4000:
            problems.append("text input max_length not 1-4000")
        if inner.get("type") == 3:
            options = inner.get("options") or []
            if not 1 <= len(options) <= 25:
                problems.append("select in a modal without 1-25 options")
            for opt in options:
                if not 1 <= len(opt.get("label") or "") <= 100:
                    problems.append("option label not 1-100 characters")
    return problems


_COMMAND_NAME = re.compile(r"[-\w]{1,32}")
DISCORD_LOCALES = frozenset(
    [
        "id",
        "da",
        "de",
        "en-GB",
        "en-US",
        "es-ES",
        "es-419",
        "fr",
        "hr",
        "it",
        "lt",
        "hu",
        "nl",
        "no",
        "pl",
        "pt-BR",
        "ro",
        "fi",
        "sv-SE",
        "vi",
        "tr",
        "cs",
        "el",
        "bg",
        "ru",
        "uk",
        "hi",
        "th",
        "zh-CN",
        "ja",
        "zh-TW",
        "ko",
    ]
)


def command_problems(commands: list[dict[str, Any]]) -> list[str]:
    """What Discord would reject in a bulk command overwrite: names (and their
    translations) lowercase words of 1-32 characters, descriptions of 1-100, only
    locales Discord knows."""
    problems: list[str] = []

    def check(thing: dict[str, Any]) -> None:
        names = {None: thing["name"], **(thing.get("name_localizations") or {})}
        descriptions = {
            None: thing["description"],
            **(thing.get("description_localizations") or {}),
        }
        for locale, name in names.items():
            if locale is not None and locale not in DISCORD_LOCALES:
                problems.append(f"unknown locale {locale}")
            if not _COMMAND_NAME.fullmatch(name) or name != name.lower():
                problems.append(f"bad name {name!r} ({locale})")
        for locale, text in descriptions.items():
            if locale is not None and locale not in DISCORD_LOCALES:
                problems.append(f"unknown locale {locale}")
            if not 1 <= len(text) <= 100:
                problems.append(f"description of {len(text)} characters ({locale})")

    for command in commands:
        check(command)
        for option in command.get("options") or []:
            check(option)
    return problems


def choice_problems(choices: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(choices) > 25:
        problems.append(f"{len(choices)} choices")
    for c in choices:
        if not 1 <= len(c.get("name") or "") <= 100:
            problems.append(f"choice name of {len(c.get('name') or '')} characters")
        if not 1 <= len(str(c.get("value") or "")) <= 100:
            problems.append("choice value not 1-100 characters")
    return problems


class FakeDiscord:
    """Discord's REST API and gateway, as far as this bot uses them."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.rejected: list[tuple[Recorded, list[str]]] = []
        self.faults: list[Fault] = []
        self.messages: dict[int, dict[str, Any]] = {}
        self.modals: list[dict[str, Any]] = []
        """Every modal the bot opened (callback type 9), in order."""
        self.commands: dict[str, list[dict[str, Any]]] = {}
        self.gateway_frames: list[dict[str, Any]] = []
        self.gateway_sockets: list[web.WebSocketResponse] = []
        self.gateway_closed: list[int | None] = []
        self._interactions: dict[str, dict[str, Any]] = {}
        self._changed = asyncio.Condition()
        self._seq = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        for ws in self.gateway_sockets:
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    # -- test controls
    def fail(
        self,
        method: str,
        path: str,
        status: int,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` matching requests with ``status``."""
        self.faults.append(
            Fault(method, re.compile(path), status, body or {}, headers or {}, times)
        )

    def drop(self, method: str, path: str, times: int = 1) -> None:
        """Close the connection of the next ``times`` matching requests, with no reply."""
        self.faults.append(Fault(method, re.compile(path), 0, {}, {}, times, drop=True))

    def expect(self, payload: dict[str, Any]) -> None:
        """Tell the fake about an interaction the test is about to dispatch."""
        self._interactions[payload["token"]] = payload

    async def wait_for(
        self, predicate: Callable[[Recorded], bool], *, count: int = 1, within: float = 5.0
    ) -> list[Recorded]:
        """The first ``count`` recorded requests matching ``predicate`` (waits for them)."""

        def found() -> list[Recorded]:
            return [r for r in self.requests if predicate(r)]

        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(lambda: len(found()) >= count)
        return found()[:count]

    def for_interaction(self, payload: dict[str, Any]) -> list[Recorded]:
        """Every reply, follow-up and edit the bot made for one interaction."""
        return [r for r in self.requests if _token_of(r.path) == payload["token"]]

    async def replies(
        self, payload: dict[str, Any], *, count: int = 1, within: float = 5.0
    ) -> list[Recorded]:
        token = payload["token"]
        return await self.wait_for(
            lambda r: _token_of(r.path) == token and 200 <= r.status < 300,
            count=count,
            within=within,
        )

    async def settle(self, seconds: float = 0.02) -> None:
        """Let the bot finish whatever it is doing (no new request for ``seconds``)."""
        while True:
            n = len(self.requests)
            await asyncio.sleep(seconds)
            if len(self.requests) == n:
                return

    # -- gateway
    async def gateway_dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch (op 0) on the first open connection (shard 0)."""
        frame = {"op": 0, "t": event, "s": next(self._seq), "d": data}
        ws = next(ws for ws in self.gateway_sockets if not ws.closed)
        await ws.send_str(json.dumps(frame))

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.gateway_sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        while True:
            msg = await ws.receive()
            if msg.type is WSMsgType.CLOSE:
                await self._note_closed(msg.data)  # the code the client closed with
                await ws.close()
                break
            if msg.type in (WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
                await self._note_closed(ws.close_code)
                break
            if msg.type is not WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            await self._note_frame(frame)
            if frame["op"] == 2:
                shard = frame["d"].get("shard") or [0, 1]
                ready = {
                    "v": 10,
                    "user": BOT_USER,
                    "guilds": [],
                    "session_id": "fake-session",
                    "resume_gateway_url": self.ws_url,
                    "application": {"id": str(APP_ID), "flags": 0},
                    "shard": shard,
                }
                await ws.send_str(
                    json.dumps({"op": 0, "t": "READY", "s": next(self._seq), "d": ready})
                )
            elif frame["op"] == 1:
                await ws.send_str(json.dumps({"op": 11}))
        async with self._changed:
            self._changed.notify_all()
        return ws

    async def _note_frame(self, frame: dict[str, Any]) -> None:
        async with self._changed:
            self.gateway_frames.append(frame)
            self._changed.notify_all()

    async def _note_closed(self, code: int | None) -> None:
        async with self._changed:
            self.gateway_closed.append(code)
            self._changed.notify_all()

    async def wait_closed(self, within: float = 5.0) -> None:
        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(lambda: bool(self.gateway_closed))

    async def wait_frame(self, op: int, within: float = 5.0) -> dict[str, Any]:
        async with asyncio.timeout(within):
            async with self._changed:
                await self._changed.wait_for(
                    lambda: any(f["op"] == op for f in self.gateway_frames)
                )
        return next(f for f in self.gateway_frames if f["op"] == op)

    # -- REST
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        raw = await request.read()
        if raw:
            body = json.loads(raw)
        rec = Recorded(request.method, path, body, query=dict(request.query))
        rec.headers = {k: v for k, v in request.headers.items()}
        fault = self._fault_for(rec)
        if fault is not None and fault.drop:
            assert request.transport is not None
            request.transport.close()  # the client sees the server disconnect, no reply
            response = web.Response()
            rec.status = 0
        else:
            response = self._route(rec) if fault is None else fault.response()
            rec.status = response.status
        async with self._changed:
            self.requests.append(rec)
            self._changed.notify_all()
        return response

    def _fault_for(self, rec: Recorded) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == rec.method and fault.path.search(rec.path):
                fault.times -= 1
                return fault
        return None

    def _route(self, rec: Recorded) -> web.Response:
        m, p = rec.method, rec.path
        if m == "GET" and p == "/users/@me":
            return _json(BOT_USER)
        if m == "GET" and p == "/oauth2/applications/@me":
            return _json(application_payload())
        if m == "GET" and p in ("/gateway", "/gateway/bot"):
            return _json(
                {
                    "url": self.ws_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 999,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if m == "PUT" and (hit := re.fullmatch(r"/applications/\d+(/guilds/(\d+))?/commands", p)):
            scope = hit.group(2) or "global"
            rejected = self._reject(rec, command_problems(rec.body))
            if rejected is not None:
                return rejected
            registered = [
                {
                    **c,
                    "id": str(snowflake()),
                    "application_id": str(APP_ID),
                    "version": "1",
                    "type": c.get("type", 1),
                    "default_member_permissions": c.get("default_member_permissions"),
                    **({"guild_id": scope} if scope != "global" else {}),
                }
                for c in rec.body
            ]
            self.commands[scope] = registered
            return _json(registered)
        if m == "POST" and (hit := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", p)):
            return self._callback(rec, int(hit.group(1)), hit.group(2))
        if m == "POST" and re.fullmatch(r"/channels/\d+/messages", p):
            data = rec.body or {}
            if rejected := self._reject(rec, limit_problems(data)):
                return rejected
            return _json(self._message(data))
        if hit := re.fullmatch(r"/webhooks/(\d+)/([^/]+)(/messages/@original)?", p):
            return self._webhook(rec, hit.group(2), edit=bool(hit.group(3)))
        return _json({"message": f"404: Not Found ({m} {p})", "code": 0}, 404)

    def _reject(self, rec: Recorded, problems: list[str]) -> web.Response | None:
        if not problems:
            return None
        self.rejected.append((rec, problems))
        errors = {"_errors": [{"code": "BASE_TYPE_BAD_LENGTH", "message": p} for p in problems]}
        return _json({"message": "Invalid Form Body", "code": 50035, "errors": errors}, 400)

    def _message(
        self, data: dict[str, Any], *, flags: int = 0, mid: int | None = None
    ) -> dict[str, Any]:
        mid = mid or snowflake()
        msg = {
            "id": str(mid),
            "channel_id": str(CHANNEL_ID),
            "type": 20,
            "content": data.get("content") or "",
            "embeds": data.get("embeds") or [],
            "components": data.get("components") or [],
            "attachments": [],
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": False,
            "flags": flags or data.get("flags") or 0,
            "author": BOT_USER,
            "timestamp": "2025-01-01T00:00:00+00:00",
            "edited_timestamp": None,
            "application_id": str(APP_ID),
        }
        self.messages[mid] = msg
        return msg

    def _callback(self, rec: Recorded, iid: int, token: str) -> web.Response:
        body = rec.body or {}
        ctype = body.get("type")
        data = body.get("data") or {}
        if ctype == 8:
            return self._reject(rec, choice_problems(data.get("choices") or [])) or web.Response(
                status=204
            )
        if ctype == 9:
            if rejected := self._reject(rec, modal_problems(data)):
                return rejected
            self.modals.append(data)
            modal_interaction = {"id": str(iid), "type": 3}
            return _json({"interaction": modal_interaction, "resource": {"type": 9}})
        if rejected := self._reject(rec, limit_problems(data)):
            return rejected
        interaction = {
            "id": str(iid),
            "type": (self._interactions.get(token) or {}).get("type", 2),
            "response_message_loading": ctype == 5,
            "response_message_ephemeral": bool((data.get("flags") or 0) & EPHEMERAL),
        }
        if ctype in (4, 5):
            msg = self._message(data, flags=data.get("flags") or 0)
            interaction["response_message_id"] = msg["id"]
            return _json({"interaction": interaction, "resource": {"type": ctype, "message": msg}})
        if ctype in (6, 7):
            source = (self._interactions.get(token) or {}).get("message") or {}
            mid = int(source.get("id") or snowflake())
            msg = {**self.messages.get(mid, source)}
            for key in ("content", "embeds", "components"):
                if key in data:
                    msg[key] = data[key] or ([] if key != "content" else "")
            self.messages[mid] = msg
            interaction["response_message_id"] = str(mid)
            return _json({"interaction": interaction, "resource": {"type": ctype, "message": msg}})
        return _json({"message": "unknown callback type", "code": 50035}, 400)

    def _webhook(self, rec: Recorded, token: str, *, edit: bool) -> web.Response:
        data = rec.body or {}
        if rejected := self._reject(rec, limit_problems(data)):
            return rejected
        return _json(self._message(data))


def _token_of(path: str) -> str | None:
    hit = re.fullmatch(r"/interactions/\d+/([^/]+)/callback", path) or re.fullmatch(
        r"/webhooks/\d+/([^/]+)(?:/.*)?", path
    )
    return hit.group(1) if hit else None


# --- the bot under test ---------------------------------------------------------------


class Harness:
    """A logged-in :class:`CreditsClient` on the fake server, and ways to poke it."""

    def __init__(self, fake: FakeDiscord, client: CreditsClient) -> None:
        self.fake = fake
        self.client = client

    def dispatch(self, payload: dict[str, Any]) -> None:
        """Deliver an INTERACTION_CREATE, as the gateway would."""
        self.fake.expect(payload)
        self.client._connection.parse_interaction_create(payload)  # type: ignore[arg-type]

    async def command(
        self,
        name: str,
        value: str,
        *,
        where: str = "guild",
        user_id: int = USER_ID,
        locale: str = "en-US",
    ) -> tuple[dict[str, Any], Recorded]:
        """Run ``/name title:value``; returns the payload and the first reply."""
        payload = command_payload(name, value, where=where, user_id=user_id, locale=locale)
        self.dispatch(payload)
        (first,) = await self.fake.replies(payload)
        return payload, first

    async def autocomplete(self, name: str, value: str) -> list[dict[str, Any]]:
        payload = command_payload(name, value, focused=True)
        self.dispatch(payload)
        (reply,) = await self.fake.replies(payload)
        assert reply.body["type"] == 8
        choices: list[dict[str, Any]] = reply.body["data"]["choices"]
        return choices

    async def click(
        self,
        message: dict[str, Any],
        custom_id: str,
        *,
        values: list[str] | None = None,
        user_id: int = USER_ID,
        locale: str = "en-US",
    ) -> tuple[dict[str, Any], Recorded]:
        payload = component_payload(
            message, custom_id, values=values, user_id=user_id, locale=locale
        )
        self.dispatch(payload)
        (first,) = await self.fake.replies(payload)
        return payload, first

    async def submit(
        self,
        modal: dict[str, Any],
        values: dict[str, str | list[str]],
        *,
        user_id: int = USER_ID,
        locale: str = "en-US",
    ) -> tuple[dict[str, Any], Recorded]:
        """Submit a modal the bot opened; returns the payload and the first reply."""
        payload = modal_submit_payload(modal, values, user_id=user_id, locale=locale)
        self.dispatch(payload)
        (first,) = await self.fake.replies(payload)
        return payload, first

    def message_of(self, reply: Recorded) -> dict[str, Any]:
        """The message the fake holds for a reply (with the components the bot sent)."""
        mids = [int(mid) for mid, _ in _message_ids(self.fake, reply)]
        return self.fake.messages[mids[-1]]


def _message_ids(fake: FakeDiscord, reply: Recorded) -> Iterator[tuple[str, dict[str, Any]]]:
    data = reply.message_data
    for mid, msg in fake.messages.items():
        if msg.get("embeds") == (data.get("embeds") or []) and msg.get("content") == (
            data.get("content") or ""
        ):
            yield str(mid), msg


def custom_ids(message: dict[str, Any]) -> list[str]:
    return [
        c["custom_id"]
        for row in message.get("components") or []
        for c in row.get("components") or []
        if "custom_id" in c
    ]


def components(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for row in message.get("components") or [] for c in row.get("components") or []]


# --- reading what the bot said --------------------------------------------------------


def markdown_strings(message: dict[str, Any]) -> list[str]:
    """Every string of a message that Discord renders as Markdown."""
    out = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        out.append(embed.get("title") or "")
        out.append(embed.get("description") or "")
        for f in embed.get("fields") or []:
            out += [f.get("name") or "", f.get("value") or ""]
    return [s for s in out if s]


def plain_strings(message: dict[str, Any]) -> list[str]:
    """Strings Discord shows as they are (no Markdown): author, footer, labels."""
    out: list[str] = []
    for embed in message.get("embeds") or []:
        out.append((embed.get("author") or {}).get("name") or "")
        out.append((embed.get("footer") or {}).get("text") or "")
    for comp in components(message):
        out.append(comp.get("label") or "")
        out.append(comp.get("placeholder") or "")
        for opt in comp.get("options") or []:
            out += [opt.get("label") or "", opt.get("description") or ""]
    return [s for s in out if s]


@dataclass
class Rendered:
    """Markdown read the way Discord reads escapes and spoilers."""

    outside: str
    spoilers: list[str]
    balanced: bool


def read_markdown(text: str) -> Rendered:
    """Split text into what shows openly and what is inside ``||…||``.

    A backslash before any ASCII punctuation is an escape (the character is literal);
    an unescaped ``||`` opens or closes a spoiler. Zero-width spaces are dropped.
    """
    outside: list[str] = []
    spoilers: list[str] = []
    current: list[str] | None = None
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text) and _is_punct(text[i + 1]):
            (current if current is not None else outside).append(text[i + 1])
            i += 2
            continue
        if text.startswith("||", i):
            if current is None:
                current = []
            else:
                spoilers.append("".join(current))
                current = None
            i += 2
            continue
        (current if current is not None else outside).append(ch)
        i += 1
    balanced = current is None
    if current is not None:
        outside += current
    return Rendered("".join(outside).replace("\u200b", ""), spoilers, balanced)


def _is_punct(ch: str) -> bool:
    return ch.isascii() and not ch.isalnum() and not ch.isspace()


def squash(text: str) -> str:
    """Text without whitespace, zero-width spaces or Markdown markers, for comparisons."""
    return re.sub(r"[\s\u200b*]", "", text)


def spoilers_of(message: dict[str, Any]) -> list[str]:
    return [s for text in markdown_strings(message) for s in read_markdown(text).spoilers]


def check_spoilers(message: dict[str, Any], secrets: list[str], *, present: bool = True) -> None:
    """Secrets appear only inside balanced spoilers (and, if ``present``, do appear)."""
    probes = [squash(secret)[:40] for secret in secrets if len(squash(secret)) >= 20]
    for text in markdown_strings(message):
        read = read_markdown(text)
        assert read.balanced, f"unbalanced spoiler in {text!r}"
        for probe in probes:
            assert probe not in squash(read.outside), f"{probe!r} shown openly"
    for text in plain_strings(message):
        for probe in probes:
            assert probe not in squash(text), f"{probe!r} in {text!r}"
    if present:
        shown = squash("".join(spoilers_of(message)))
        for secret in secrets:
            assert squash(secret) in shown, f"{secret!r} not in spoilers"


def check_well_formed(rec: Recorded) -> None:
    """Within Discord's limits, and it pings nobody."""
    data = rec.message_data
    assert not limit_problems(data), limit_problems(data)
    assert data.get("allowed_mentions", {}).get("parse") == [], data.get("allowed_mentions")
    for text in markdown_strings(data):
        shown = read_markdown(text)
        assert shown.balanced
        assert not re.search(r"@(everyone|here)\b", text), text
        assert not re.search(r"(?<!\\)<@[!&]?\d+>", text), text


# --- a service with hand-built answers --------------------------------------------------


def film(
    film_id: str,
    title: str,
    year: int,
    verdict: Verdict,
    scenes: tuple[Scene, ...] = (),
    **extra: Any,
) -> Film:
    source = None if verdict is Verdict.UNKNOWN else "hand-built test data"
    return Film(
        id=film_id,
        title=title,
        year=year,
        directors=extra.pop("directors", ("Jane Doe",)),
        runtime_minutes=extra.pop("runtime_minutes", 101),
        ratings=extra.pop("ratings", Ratings(metascore=70, tomatometer=88)),
        synopsis=extra.pop("synopsis", f"The premise of {title}."),
        credits=Credits(verdict, scenes, source),
        **extra,
    )


SCENE_DURING = Scene(Position.DURING, "SECRET-DURING: the hero eats shawarma.", "gag")
SCENE_AFTER = Scene(Position.AFTER, "SECRET-AFTER: a stranger offers a deal.", "sequel-setup")

FILMS: dict[str, Film] = {
    f.id: f
    for f in (
        film("quiet-film-2001", "Quiet Film", 2001, Verdict.NONE),
        film("middle-film-2002", "Middle Film", 2002, Verdict.DURING, (SCENE_DURING,)),
        film(
            "late-film-2003",
            "Late Film",
            2003,
            Verdict.AFTER,
            (SCENE_AFTER,),
            recap="SECRET-RECAP: the twist happens.\nThen the other twist.",
            imdb_id="tt0000042",
        ),
        film("busy-film-2004", "Busy Film", 2004, Verdict.BOTH, (SCENE_DURING, SCENE_AFTER)),
        film("mystery-film-2005", "Mystery Film", 2005, Verdict.UNKNOWN),
        film("dune-1984", "Dune", 1984, Verdict.NONE, directors=("David Lynch",)),
        film("dune-2021", "Dune", 2021, Verdict.NONE, directors=("Denis Villeneuve",)),
    )
}


def candidate(f: Film, score: float = 90.0) -> Candidate:
    return Candidate(f.id, f.title, f.year, score, f.directors)


class FakeService:
    """A stand-in for CreditsService with hand-built films (hostile ones included)."""

    def __init__(self, films: dict[str, Film] | None = None, *, delay: float = 0.0) -> None:
        self.films = dict(FILMS if films is None else films)
        self.delay = delay
        self.asked: list[Query] = []
        self.fail_with: BaseException | None = None

    def add(self, f: Film) -> Film:
        self.films[f.id] = f
        return f

    async def _pause(self) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        if self.delay:
            await asyncio.sleep(self.delay)

    async def ask(self, query: Query | str) -> Answer:
        await self._pause()
        q = Query(query) if isinstance(query, str) else query
        self.asked.append(q)
        text = q.text.strip().lower()
        if not text:
            return NotFound(query="", reason="Ask me about a film, e.g. “Dune”.")
        hits = [f for f in self.films.values() if f.title.lower() == text]
        if len(hits) == 1:
            return Found(q.text, hits[0], Match(MatchMethod.EXACT, 100.0, hits[0].title))
        if len(hits) > 1:
            return Ambiguous(q.text, tuple(candidate(f) for f in hits))
        close = [
            f for f in self.films.values() if text[:3] and f.title.lower().startswith(text[:3])
        ]
        return NotFound(q.text[:100], tuple(candidate(f, 50.0) for f in close))

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]:
        await self._pause()
        p = prefix.strip().lower()
        return [
            Choice(f.id, f.title, f.year, f.credits.verdict)
            for f in self.films.values()
            if f.title.lower().startswith(p)
        ][:limit]

    async def film(self, film_id: str) -> Answer:
        await self._pause()
        f = self.films.get(film_id)
        if f is None:
            return NotFound(film_id[:100], reason="That film is no longer in the catalog.")
        return Found(f.title, f, Match(MatchMethod.ID, 100.0, f.title))


def client_for(service: Any, **options: Any) -> CreditsClient:
    lookup: CreditsLookup = service
    return CreditsClient(lookup, **options)


def no_privileged_intents(identify: dict[str, Any]) -> bool:
    return int(identify["d"]["intents"]) & PRIVILEGED_INTENTS == 0
