"""The health and metrics port, with real GETs while the service answers on Telegram."""

from __future__ import annotations

import asyncio
import json
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families
from tg_fake_api import FakeBotApi, Updates

from bot.errors import BotError, ConfigError
from bot.settings import Settings
from credits_bot.cli import _serve
from credits_bot.platforms import BY_NAME


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sample(text: str, name: str, **labels: str) -> float:
    """One sample's value from the text exposition (0 when it is not there yet)."""
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return float(s.value)
    return 0.0


async def get(session: aiohttp.ClientSession, url: str) -> tuple[int, str, str]:
    async with session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def test_healthz_and_metrics_during_a_run(
    fake_api: FakeBotApi, tg_settings: Settings, updates: Updates, tmp_path: Path
) -> None:
    port = free_port()
    settings = replace(
        tg_settings,
        http_port=port,
        state_dir_setting=tmp_path,
        rate_person_burst=1,  # the second question in a row is refused
        rate_person_per_minute=1,
    )
    base = f"http://127.0.0.1:{port}"
    stop = asyncio.Event()
    serving = asyncio.create_task(_serve([BY_NAME["telegram"]], settings, stop))
    try:
        await fake_api.wait_for_method("getUpdates")
        async with aiohttp.ClientSession() as session:
            status, ctype, before = await get(session, f"{base}/metrics")
            assert status == 200 and ctype.startswith("text/plain")
            found = ("credits_answers_total", {"platform": "telegram", "outcome": "found"})
            latency = ("credits_answer_seconds_count", {"platform": "telegram"})
            limited = ("credits_rate_limited_total", {"platform": "telegram"})

            await fake_api.push_update(updates.message("/credits iron man"))
            await fake_api.wait_for_method("sendMessage", 1)
            await fake_api.push_update(updates.message("/credits dune"))
            await fake_api.wait_for_method("sendMessage", 2)  # the "slow down" reply

            status, _, after = await get(session, f"{base}/metrics")
            assert status == 200
            for name, labels in (found, latency, limited):
                assert sample(after, name, **labels) == sample(before, name, **labels) + 1, name
            films = sample(after, "credits_catalog_films")
            assert films > 1000
            assert sample(after, "credits_platform_up", platform="telegram") == 1

            status, ctype, body = await get(session, f"{base}/healthz")
            assert status == 200 and ctype.startswith("application/json")
            health: dict[str, Any] = json.loads(body)
            assert health == {
                "status": "ok",
                "catalog": {"films": int(films)},
                "platforms": {"telegram": "up"},
            }
            status, _, _ = await get(session, f"{base}/nothing-here")
            assert status == 404
    finally:
        stop.set()
        assert await asyncio.wait_for(serving, 10) == 0
    # The port is closed with the service.
    with socket.socket() as s, pytest.raises(ConnectionRefusedError):
        s.connect(("127.0.0.1", port))


async def test_a_busy_http_port_stops_the_start_with_one_clear_error(
    fake_api: FakeBotApi, tg_settings: Settings, tmp_path: Path
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = int(busy.getsockname()[1])
        settings = replace(tg_settings, http_port=port, state_dir_setting=tmp_path)
        with pytest.raises(BotError, match=f"cannot listen on 127.0.0.1:{port}"):
            await _serve([BY_NAME["telegram"]], settings, asyncio.Event())
    assert fake_api.of("getMe") == []  # nothing started


@pytest.mark.parametrize(
    ("env", "port", "host"),
    [
        ({}, None, "127.0.0.1"),
        ({"CREDITS_HTTP_PORT": "9300"}, 9300, "127.0.0.1"),
        ({"CREDITS_HTTP_PORT": "9300", "CREDITS_HTTP_HOST": "0.0.0.0"}, 9300, "0.0.0.0"),
    ],
)
def test_http_settings(env: dict[str, str], port: int | None, host: str, tmp_path: Path) -> None:
    settings = Settings.from_env(env, dotenv=tmp_path / "none")
    assert (settings.http_port, settings.http_host) == (port, host)


@pytest.mark.parametrize("raw", ["0", "70000", "http"])
def test_a_bad_http_port_is_a_config_error(raw: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="CREDITS_HTTP_PORT"):
        Settings.from_env({"CREDITS_HTTP_PORT": raw}, dotenv=tmp_path / "none")
