"""Fixtures for the Discord adapter: a fake Discord on 127.0.0.1 and a logged-in bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import discord
import pytest
import yarl
from discord_testkit import TOKEN, FakeDiscord, FakeService, Harness, client_for

MakeBot = Callable[..., Awaitable[Harness]]


@pytest.fixture
async def fake_discord(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    monkeypatch.setattr(discord.http.Route, "BASE", fake.api_base)
    monkeypatch.setattr(discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(fake.ws_url))
    try:
        yield fake
    finally:
        await fake.stop()


@pytest.fixture
async def make_bot(fake_discord: FakeDiscord) -> AsyncIterator[MakeBot]:
    """Log a client in against the fake (which registers its commands) for a service."""
    clients: list[discord.Client] = []

    async def make(service: Any, **options: Any) -> Harness:
        client = client_for(service, **options)
        clients.append(client)
        await client.login(TOKEN)
        return Harness(fake_discord, client)

    try:
        yield make
    finally:
        for client in clients:
            await client.close()


@pytest.fixture
def fake_service() -> FakeService:
    return FakeService()


@pytest.fixture
async def bot(make_bot: MakeBot, fake_service: FakeService) -> Harness:
    """The bot over hand-built films (every verdict, hostile text, slow or failing)."""
    return await make_bot(fake_service)


@pytest.fixture
async def catalog_bot(make_bot: MakeBot, service: Any) -> Harness:
    """The bot over the real service and the bundled catalog."""
    return await make_bot(service)
