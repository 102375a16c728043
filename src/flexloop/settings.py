"""Runtime settings from FLEXLOOP_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where the store and the brand config live, and how to log."""

    model_config = SettingsConfigDict(env_prefix="FLEXLOOP_")

    database_url: str = "sqlite:///flexloop.db"
    config: Path = Path("flexloop.toml")
    log_level: str = "WARNING"


def settings() -> Settings:
    return Settings()
