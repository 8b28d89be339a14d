"""Runtime settings, read once from the environment (and an optional `.env` file)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    environment: Literal["development", "production"] = "development"
    # GraphiQL and schema introspection: on in development, off in production unless set.
    graphiql: bool | None = None
    introspection: bool | None = None
    # Addresses of the reverse proxies whose X-Forwarded-For / -Proto headers are believed
    # (comma-separated, "*" for any). Empty: no proxy, the connection's address counts.
    forwarded_allow_ips: str = ""

    host: str = "127.0.0.1"
    port: int = 8000
    # Empty means: start the embedded engine on a loopback port, data under DATA_DIR.
    mongodb_uri: str = ""
    database_name: str = "sikerma"
    data_dir: Path = Path("data")

    max_upload_mb: int = Field(default=50, ge=1)
    # What one user may upload in 24 hours, all files together (0: no quota).
    upload_quota_mb_per_day: int = Field(default=1000, ge=0)
    expiring_window_days: int = Field(default=90, ge=1)
    # Files uploaded but never attached to a record (a crash between the two writes) are
    # removed once they are older than this.
    orphan_file_grace_minutes: int = Field(default=60, ge=1)

    # Monitoring: every ACTIVE agreement is due one evaluation per period (SEMESTER: 2026-S1,
    # QUARTER: 2026-Q1). Change it only before the first evaluation is recorded.
    evaluation_period: Literal["SEMESTER", "QUARTER"] = "SEMESTER"
    # How often the server turns new alerts into notifications (0: never; then run
    # `python cli.py run-reminders` from cron). Every API process may run it: each alert is
    # notified once however many run.
    reminder_interval_seconds: float = Field(default=3600.0, ge=0)

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
    # Failures older than this (since the last one) no longer count.
    login_failure_window_minutes: float = 15.0
    # Online partner registration (anonymous): each one from a client address counts, and
    # after this many each further one blocks that address like a failed sign-in does.
    registration_free_per_address: int = 10

    # Mail. SMTP_HOST empty: notifications are stored and shown in the app, but not emailed.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = ""
    # STARTTLS on a plain connection (port 587), or TLS from the start (SMTP_TLS, port 465).
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_from: str = "SIKERMA Kota Bogor <sikerma@localhost>"
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    # The sender looks for queued mail this often, and retries a failed delivery after
    # base * 2^(attempt-1) seconds (capped), giving up after the last attempt.
    mail_poll_seconds: float = Field(default=5.0, gt=0)
    mail_max_attempts: int = Field(default=6, ge=1)
    mail_retry_base_seconds: float = Field(default=60.0, gt=0)
    mail_retry_max_seconds: float = Field(default=3600.0, gt=0)
    # A sender that claimed a message and died lets another one take it after this long.
    mail_lease_seconds: float = Field(default=300.0, gt=0)
    # Mail queued longer ago than this (e.g. before SMTP was set up) is not sent any more.
    mail_max_age_hours: float = Field(default=48.0, gt=0)

    # Browser origins allowed to call the API (CORS), e.g. ["https://sikerma.kotabogor.go.id"].
    cors_origins: list[str] = []

    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_page_size: int = 100
    # No list in any input (variables or the document) may be longer; checked before any work.
    max_input_list_items: int = Field(default=1000, ge=100)
    default_page_size: int = 20
    # The cost of a query: each field 1, each connection's children times its first/last (a
    # full page when neither is given). A costlier query is refused before it runs.
    max_query_cost: int = Field(default=10_000, ge=1)

    # Requests without valid credentials, per client address, counted by each API process on
    # its own (see the README on several processes). 0 turns the limit off.
    anonymous_requests_per_minute: int = Field(default=120, ge=0)
    anonymous_burst: int = Field(default=60, ge=1)
    # Automatic Persisted Queries: documents kept in memory by each process (all are in the
    # database), and whether anonymous clients may only run documents already registered.
    persisted_query_cache_size: int = Field(default=1000, ge=1)
    persisted_queries_only_for_anonymous: bool = False

    # Exports stream this many records per database round trip.
    export_batch_size: int = Field(default=500, ge=1, le=10_000)
    # Open data (OCDS). The ocid prefix is registered with the Open Contracting Partnership;
    # the default is a placeholder until the city has its own.
    ocds_ocid_prefix: str = "ocds-213czf"
    ocds_publisher_name: str = "Pemerintah Kota Bogor - Bagian Kerja Sama Sekretariat Daerah"
    ocds_publisher_uri: str = ""
    # The licence the city publishes its open data under (a URL); empty: none stated.
    ocds_license: str = ""

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql if self.graphiql is not None else not self.production

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection if self.introspection is not None else not self.production

    @property
    def upload_quota_bytes(self) -> int:
        return self.upload_quota_mb_per_day * 1024 * 1024

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024


@lru_cache
def get_settings() -> Settings:
    return Settings()
