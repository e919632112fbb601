"""The real application, initialized against the fake Bot API server."""

from __future__ import annotations

from typing import Any

from telegram import Update
from tg_fake_api import Call, FakeBotApi, Updates, buttons_of

from adapters.telegram.app import TelegramApp, build_application
from adapters.telegram.handlers import CreditsLookup
from bot.models import Answer, Choice, Query
from bot.settings import Settings


class Harness:
    """The real application, initialized against the fake server; updates are fed to
    ``process_update`` directly (the same path polling takes after ``getUpdates``)."""

    def __init__(self, app: TelegramApp, api: FakeBotApi, updates: Updates) -> None:
        self.app = app
        self.api = api
        self.updates = updates
        self.allow_rejections = False

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Process one raw update; returns the Bot API calls it caused."""
        self.api.remember_chat(update)
        before = len(self.api.calls)
        await self.app.process_update(Update.de_json(update, self.app.bot))
        return self.api.calls[before:]

    async def say(self, text: str, **kwargs: Any) -> list[Call]:
        """A user's message; returns the calls it caused."""
        return await self.send(self.updates.message(text, **kwargs))

    async def replies_to(self, text: str, **kwargs: Any) -> list[Call]:
        calls = await self.say(text, **kwargs)
        return [c for c in calls if c.method == "sendMessage"]

    async def press(self, call: Call, data: str, **kwargs: Any) -> list[Call]:
        """Press a button (by its callback_data) under a message the bot sent."""
        message = call.result
        assert isinstance(message, dict), f"{call.method} returned no message"
        key = (message["chat"]["id"], message["message_id"])
        current = self.api.messages[key]
        assert data in [d for _, d in buttons_of(current.get("reply_markup"))], data
        return await self.send(self.updates.callback(data, message=current, **kwargs))


async def start_harness(
    settings: Settings, service: CreditsLookup, api: FakeBotApi, updates: Updates
) -> Harness:
    app = build_application(settings, service)
    await app.initialize()
    return Harness(app, api, updates)


class Scripted:
    """The real service, except that ``ask`` returns (or raises) what a test scripts."""

    def __init__(self, service: CreditsLookup) -> None:
        self._service = service
        self.next_answers: list[Answer | BaseException] = []
        self.asked: list[Query | str] = []
        self.next_suggestions: list[Choice] | None = None

    async def ask(self, query: Query | str) -> Answer:
        self.asked.append(query)
        if self.next_answers:
            scripted = self.next_answers.pop(0)
            if isinstance(scripted, BaseException):
                raise scripted
            return scripted
        return await self._service.ask(query)

    async def suggest(self, prefix: str, limit: int = 25) -> list[Choice]:
        if self.next_suggestions is not None:
            return self.next_suggestions
        return await self._service.suggest(prefix, limit)

    async def film(self, film_id: str) -> Answer:
        return await self._service.film(film_id)
