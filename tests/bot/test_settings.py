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
