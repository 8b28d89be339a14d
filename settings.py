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

    # Sign-in. JWT_SECRET empty: a key made once and kept in the database, shared by every
    # API process; set it to rotate or to keep it outside the database.
    jwt_secret: str = ""
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_days: int = Field(default=14, ge=1)
    password_min_length: int = Field(default=10, ge=8)
    # After this many failed sign-ins, each further failure blocks the account (or address)
    # for base * 2^n seconds, up to the maximum. An address shared by a whole office gets more.
    login_free_attempts: int = 5
    login_free_attempts_per_address: int = 20
    login_base_delay_seconds: float = 1.0
    login_max_delay_seconds: float = 900.0
    # Browser origins allowed to call the API (CORS), e.g. ["https://sikerma.kotabogor.go.id"].
    cors_origins: list[str] = []

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
