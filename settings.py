"""Runtime settings, read once from the environment (and an optional `.env` file)."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000
    # Empty means: start the embedded engine on a loopback port, data under DATA_DIR.
    mongodb_uri: str = ""
    database_name: str = "sikerma"
    data_dir: Path = Path("data")

    max_upload_mb: int = Field(default=50, ge=1)
    expiring_window_days: int = Field(default=90, ge=1)
    # Files uploaded but never attached to a record (a crash between the two writes) are
    # removed once they are older than this.
    orphan_file_grace_minutes: int = Field(default=60, ge=1)

    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = 100
    default_page_size: int = 20

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
