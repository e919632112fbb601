from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import Secret, Settings, read_dotenv


def test_tokens_are_optional_and_never_printed(tmp_path: Path) -> None:
    settings = Settings.from_env({"DISCORD_BOT_TOKEN": "abc.def.ghi"}, dotenv=tmp_path / "none")
    assert settings.discord_token is not None and settings.discord_token.get() == "abc.def.ghi"
    assert settings.telegram_token is None
    assert "abc.def.ghi" not in repr(settings) and "abc.def.ghi" not in str(settings)
    assert str(Secret("x")) == "Secret('**********')"


def test_environment_beats_dotenv(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "# comment\nexport TELEGRAM_BOT_TOKEN='from-file'\nDISCORD_GUILD_ID=42\nCREDITS_DB=x.sqlite\n"
    )
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "from-env"}, dotenv=env_file)
    assert settings.telegram_token == Secret("from-env")
    assert settings.discord_guild_id == 42
    assert settings.db_path == Path("x.sqlite")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DISCORD_GUILD_ID": "abc"}, "DISCORD_GUILD_ID must be a whole number"),
        ({"DISCORD_SHARDS": "many"}, "DISCORD_SHARDS must be 'auto' or a number"),
        ({"TELEGRAM_WORKERS": "0"}, "TELEGRAM_WORKERS must be 1 or more"),
        ({"TELEGRAM_CHAT_QUEUE": "lots"}, "TELEGRAM_CHAT_QUEUE must be a whole number"),
        ({"TELEGRAM_DRAIN_SECONDS": "soon"}, "TELEGRAM_DRAIN_SECONDS must be a number"),
        ({"TELEGRAM_DRAIN_SECONDS": "-1"}, "TELEGRAM_DRAIN_SECONDS must be more than 0"),
    ],
)
def test_bad_values_are_reported(tmp_path: Path, env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env, dotenv=tmp_path / "none")


def test_bad_dotenv_line_names_file_and_line(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("GOOD=1\nthis is not a setting\n")
    with pytest.raises(ConfigError, match=r"\.env:2: expected KEY=value"):
        read_dotenv(env_file)


def test_dotenv_comments_quotes_and_export(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(
        "TELEGRAM_WEBHOOK_PORT=8443  # the port Telegram allows\n"
        "TELEGRAM_BOT_TOKEN=123:abc # note: from BotFather\n"
        'export DISCORD_BOT_TOKEN="tok en#not-a-comment"\n'
        "TMDB_API_TOKEN=abc#def\n"
        "TELEGRAM_WEBHOOK_SECRET='with $dollar'\n"
    )
    settings = Settings.from_env({}, dotenv=env_file)
    assert settings.telegram_webhook_port == 8443
    assert settings.telegram_token == Secret("123:abc")
    assert settings.discord_token == Secret("tok en#not-a-comment")
    assert settings.tmdb_api_token == Secret("abc#def")  # no space before '#': a value
    assert settings.telegram_webhook_secret == Secret("with $dollar")


def test_webhook_listens_on_localhost_unless_told(tmp_path: Path) -> None:
    assert Settings.from_env({}, dotenv=tmp_path / "none").telegram_webhook_listen == "127.0.0.1"
    told = Settings.from_env({"TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0"}, dotenv=tmp_path / "none")
    assert told.telegram_webhook_listen == "0.0.0.0"


def test_state_dir_defaults_to_the_catalog_folder(tmp_path: Path) -> None:
    settings = Settings.from_env(
        {"CREDITS_DB": str(tmp_path / "v" / "c.sqlite")}, dotenv=tmp_path / "none"
    )
    assert settings.state_dir == tmp_path / "v"
    other = Settings.from_env({"CREDITS_STATE_DIR": str(tmp_path / "s")}, dotenv=tmp_path / "none")
    assert other.state_dir == tmp_path / "s"


def test_review_channels_and_maintainers() -> None:
    settings = Settings.from_env(
        {
            "REVIEW_DISCORD_CHANNEL_ID": "123456789012345678",
            "REVIEW_TELEGRAM_CHAT_ID": "-1001234",
            "MAINTAINER_IDS": "discord:11, telegram:22,33",
        },
        dotenv=Path("/nonexistent/.env"),
    )
    assert settings.review_discord_channel_id == 123456789012345678
    assert settings.review_telegram_chat_id == -1001234
    assert settings.is_maintainer("discord", 11) and not settings.is_maintainer("telegram", 11)
    assert settings.is_maintainer("telegram", 22) and not settings.is_maintainer("discord", 22)
    assert settings.is_maintainer("discord", 33) and settings.is_maintainer("telegram", "33")
    assert not Settings().is_maintainer("discord", 11)
    with pytest.raises(ConfigError, match="MAINTAINER_IDS"):
        Settings.from_env({"MAINTAINER_IDS": "slack:1"}, dotenv=Path("/nonexistent/.env"))


def test_telegram_queue_settings(tmp_path: Path) -> None:
    default = Settings.from_env({}, dotenv=tmp_path / "none")
    assert (default.telegram_workers, default.telegram_chat_queue) == (64, 8)
    assert default.telegram_drain_seconds == 8.0
    env = {"TELEGRAM_WORKERS": "16", "TELEGRAM_CHAT_QUEUE": "3", "TELEGRAM_DRAIN_SECONDS": "2.5"}
    settings = Settings.from_env(env, dotenv=tmp_path / "none")
    assert (settings.telegram_workers, settings.telegram_chat_queue) == (16, 3)
    assert settings.telegram_drain_seconds == 2.5
