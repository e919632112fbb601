"""A fake Telegram Bot API server on 127.0.0.1, for the real python-telegram-bot.

It answers the methods the bot calls, records every call, serves queued updates to
``getUpdates`` (long polling included), enforces the limits Telegram enforces (4096 UTF-16
units of well-formed HTML per message, 50 inline results, 64 bytes of ``callback_data``)
with a real-style 400, and can be told to fail the next call of a method (429, 500) or
to drop it (close the connection without an HTTP reply).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from tg_html import TelegramHtmlError, parse

TOKEN = "123456789:AAFakeTokenForTests-NeverLog_This0000"
BOT_ID = 123456789
BOT_USERNAME = "CreditsTestBot"

JSON_FIELDS = {
    "reply_markup",
    "results",
    "commands",
    "allowed_updates",
    "reply_parameters",
    "link_preview_options",
    "button",
    "entities",
}
INT_FIELDS = {"chat_id", "message_id", "offset", "timeout", "limit", "cache_time"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    result: Any = None
    """What the fake answered (a sent message, ``True``), once answered."""

    @property
    def text(self) -> str:
        return str(self.params.get("text", ""))

    def buttons(self) -> list[tuple[str, str]]:
        """``(text, callback_data)`` of every button under this message."""
        return buttons_of(self.params.get("reply_markup"))


def buttons_of(markup: Any) -> list[tuple[str, str]]:
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        (b["text"], b.get("callback_data", "")) for row in markup["inline_keyboard"] for b in row
    ]


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    drop: bool = False
    """Close the connection without answering (``status`` is then unused)."""


def _bad_request(description: str) -> web.Response:
    return _json(
        {"ok": False, "error_code": 400, "description": f"Bad Request: {description}"}, 400
    )


def _json(payload: Any, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(payload), status=status, content_type="application/json")


@dataclass
class FakeBotApi:
    token: str = TOKEN
    username: str = BOT_USERNAME
    calls: list[Call] = field(default_factory=list)
    rejected: list[tuple[Call, str]] = field(default_factory=list)
    """Calls answered with a 400, and why: a test asserts this stays empty."""
    port: int = 0

    def __post_init__(self) -> None:
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._user_ids = itertools.count(5000)
        self._faults: dict[str, list[Fault]] = {}
        self._chat_types: dict[int, str] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.admins: set[tuple[int, int]] = set()
        """``(chat id, user id)`` of each group administrator ``getChatMember`` reports."""
        self.acknowledged = 0
        self._closing = False
        """The highest update id Telegram would consider confirmed."""

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{path:.*}", self._handle)
        app.router.add_get("/{path:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        async with self._changed:
            self._closing = True  # release long polls still waiting
            self._changed.notify_all()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Credits",
            "username": self.username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    # --- what tests do -------------------------------------------------------------------

    def fail_next(self, method: str, status: int, retry_after: int | None = None) -> None:
        self._faults.setdefault(method, []).append(Fault(status, retry_after))

    def drop_next(self, method: str) -> None:
        """Close the connection of the next call of ``method`` without an HTTP reply."""
        self._faults.setdefault(method, []).append(Fault(0, drop=True))

    async def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates``; returns its update_id."""
        update = {**update, "update_id": next(self._update_ids)}
        self.remember_chat(update)
        async with self._changed:
            self._updates.append(update)
            self._changed.notify_all()
        return int(update["update_id"])

    def remember_chat(self, update: dict[str, Any]) -> None:
        message = update.get("message") or {}
        chat = message.get("chat")
        if chat:
            self._chat_types[int(chat["id"])] = chat["type"]

    def of(self, *methods: str) -> list[Call]:
        return [c for c in self.calls if c.method in methods]

    @property
    def replies(self) -> list[Call]:
        """Messages sent and messages edited, in order."""
        return self.of("sendMessage", "editMessageText")

    async def wait_for(
        self, predicate: Any, *, within: float = 5.0, what: str = "a call"
    ) -> list[Call]:
        """Wait until ``predicate(calls)`` is true; returns the calls."""
        deadline = asyncio.get_running_loop().time() + within
        async with self._changed:
            while not predicate(self.calls):
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    methods = [c.method for c in self.calls]
                    raise AssertionError(f"timed out waiting for {what}; calls: {methods}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)
        return list(self.calls)

    async def wait_for_method(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        await self.wait_for(
            lambda calls: sum(c.method == method for c in calls) >= count,
            within=within,
            what=f"{count} x {method}",
        )
        return self.of(method)

    # --- the server ----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        token_part, _, method = path.partition("/")
        if token_part != f"bot{self.token}":
            return _json({"ok": False, "error_code": 401, "description": "Unauthorized"}, 401)
        params = await self._params(request)
        call = Call(method, params)
        async with self._changed:
            self.calls.append(call)
            self._changed.notify_all()
        faults = self._faults.get(method)
        if faults:
            fault = faults.pop(0)
            if fault.drop:
                assert request.transport is not None
                request.transport.close()  # the client sees the server disconnect
            return self._fault(fault)
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return _json(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                404,
            )
        try:
            result = await handler(params)
            call.result = result
        except TelegramHtmlError as exc:
            self.rejected.append((call, str(exc)))
            return _bad_request(f"can't parse entities: {exc}")
        except ValueError as exc:
            self.rejected.append((call, str(exc)))
            return _bad_request(str(exc))
        return _json({"ok": True, "result": result})

    @staticmethod
    async def _params(request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            data: dict[str, Any] = await request.json()
            return data
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            raw = str(value)
            if key in JSON_FIELDS:
                params[key] = json.loads(raw)
            elif key in INT_FIELDS and raw.lstrip("-").isdigit():
                params[key] = int(raw)
            else:
                params[key] = raw
        return params

    @staticmethod
    def _fault(fault: Fault) -> web.Response:
        if fault.status == 429:
            retry = fault.retry_after or 1
            return _json(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry}",
                    "parameters": {"retry_after": retry},
                },
                429,
            )
        return _json(
            {"ok": False, "error_code": fault.status, "description": "Internal Server Error"},
            fault.status,
        )

    # --- methods -------------------------------------------------------------------------

    async def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    async def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setWebhook(self, params: dict[str, Any]) -> Any:
        return True

    async def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        code = params.get("language_code")
        if code is not None and not re.fullmatch(r"[a-z]{2}", code):
            raise ValueError("bad language_code: a two-letter ISO 639-1 code or none")
        for command in params["commands"]:
            if not (1 <= len(command["command"]) <= 32 and 1 <= len(command["description"]) <= 256):
                raise ValueError("bad command")
        return True

    async def _m_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = float(params.get("timeout") or 0)
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while True:
                if offset:
                    self.acknowledged = max(self.acknowledged, offset - 1)
                    self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if self._updates or self._closing:
                    return list(self._updates)
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    return []
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    return []

    def _check_markup(self, markup: Any) -> None:
        for _, data in buttons_of(markup):
            if not 1 <= len(data.encode()) <= 64:
                raise ValueError("BUTTON_DATA_INVALID")

    def _check_text(self, params: dict[str, Any], key: str = "text") -> None:
        if params.get("parse_mode") != "HTML":
            raise ValueError(f"expected parse_mode HTML, got {params.get('parse_mode')!r}")
        parse(str(params.get(key, "")))

    def _message(self, chat_id: int, text: str, markup: Any) -> dict[str, Any]:
        message_id = next(self._message_ids)
        chat_type = self._chat_types.get(chat_id, "private" if chat_id > 0 else "supergroup")
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Test group"
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            "text": parse(text).text,
        }
        if markup and "inline_keyboard" in markup:
            # A sent message carries only an inline keyboard (never force_reply).
            message["reply_markup"] = markup
        self.messages[(chat_id, message_id)] = message
        return message

    async def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        self._check_text(params)
        self._check_markup(params.get("reply_markup"))
        return self._message(int(params["chat_id"]), params["text"], params.get("reply_markup"))

    async def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        self._check_text(params)
        self._check_markup(params.get("reply_markup"))
        if "inline_message_id" in params:
            return True
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ValueError("message to edit not found")
        message = dict(self.messages[key])
        message["text"] = parse(params["text"]).text
        message["edit_date"] = int(time.time())
        message.pop("reply_markup", None)
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self.messages[key] = message
        return message

    async def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        if self._chat_types.get(chat_id, "private" if chat_id > 0 else "group") == "private":
            raise ValueError("getChatMember in a private chat")
        status = "administrator" if (chat_id, user_id) in self.admins else "member"
        member: dict[str, Any] = {
            "status": status,
            "user": {"id": user_id, "is_bot": False, "first_name": "Someone"},
        }
        if status == "administrator":
            member.update(
                {
                    "can_be_edited": False,
                    "is_anonymous": False,
                    "can_manage_chat": True,
                    "can_delete_messages": True,
                    "can_manage_video_chats": True,
                    "can_restrict_members": True,
                    "can_promote_members": False,
                    "can_change_info": True,
                    "can_invite_users": True,
                    "can_post_stories": False,
                    "can_edit_stories": False,
                    "can_delete_stories": False,
                }
            )
        return member

    async def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        if len(str(params.get("text", ""))) > 200:
            raise ValueError("callback answer text is too long")
        return True

    async def _m_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        results = params["results"]
        if len(results) > 50:
            raise ValueError("RESULTS_TOO_MUCH")
        ids = [r["id"] for r in results]
        if len(set(ids)) != len(ids):
            raise ValueError("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(result["id"].encode()) <= 64:
                raise ValueError("RESULT_ID_INVALID")
            content = result["input_message_content"]
            if content.get("parse_mode") != "HTML":
                raise ValueError("expected parse_mode HTML in inline results")
            parse(content["message_text"])
            self._check_markup(result.get("reply_markup"))
        return True


class Updates:
    """Factories for the raw updates Telegram sends (entities included, UTF-16 offsets)."""

    def __init__(self, bot_username: str = BOT_USERNAME) -> None:
        self.bot_username = bot_username
        self._ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._query_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int = 42, name: str = "Ada", language_code: str = "en") -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": name,
            "language_code": language_code,
        }

    @staticmethod
    def chat(chat_id: int, chat_type: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Ada"
        else:
            chat["title"] = "Film club"
        return chat

    @staticmethod
    def entities(text: str) -> list[dict[str, Any]]:
        """The entities Telegram would attach: a leading bot command, and mentions."""
        import re

        found: list[dict[str, Any]] = []

        def units(s: str) -> int:
            return len(s.encode("utf-16-le", "surrogatepass")) // 2

        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?", text)
        if command:
            found.append({"type": "bot_command", "offset": 0, "length": units(command.group())})
        for m in re.finditer(r"(?<![\w/])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
            found.append(
                {"type": "mention", "offset": units(text[: m.start()]), "length": units(m.group())}
            )
        return found

    def message(
        self,
        text: str,
        *,
        chat_id: int = 42,
        chat_type: str = "private",
        user_id: int = 42,
        reply_to: dict[str, Any] | None = None,
        language_code: str = "en",
    ) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id, language_code=language_code),
            "text": text,
        }
        entities = self.entities(text)
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        return {"update_id": next(self._ids), "message": message}

    def callback(
        self,
        data: str,
        *,
        message: dict[str, Any] | None = None,
        inline_message_id: str | None = None,
        user_id: int = 42,
        language_code: str = "en",
    ) -> dict[str, Any]:
        query: dict[str, Any] = {
            "id": f"cbq{next(self._query_ids)}",
            "from": self.user(user_id, language_code=language_code),
            "chat_instance": "ci-1",
            "data": data,
        }
        if message is not None:
            query["message"] = message
        if inline_message_id is not None:
            query["inline_message_id"] = inline_message_id
        return {"update_id": next(self._ids), "callback_query": query}

    def inline_query(
        self, query: str, *, user_id: int = 42, language_code: str = "en"
    ) -> dict[str, Any]:
        return {
            "update_id": next(self._ids),
            "inline_query": {
                "id": f"iq{next(self._query_ids)}",
                "from": self.user(user_id, language_code=language_code),
                "query": query,
                "offset": "",
            },
        }


def texts(calls: Iterable[Call]) -> list[str]:
    return [c.text for c in calls]
