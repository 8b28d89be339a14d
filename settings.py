"""Runtime settings, read once from the environment (and an optional `.env` file)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The ocid prefix of the OCDS documentation's examples: not the city's.
OCDS_EXAMPLE_PREFIX = "ocds-213czf"


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
    # The embedded engine when MONGODB_URI is empty: SecantusDB (WiredTiger) or mongoeco (SQLite).
    embedded_engine: Literal["secantus", "mongoeco"] = "secantus"
    # The built web app (`make web`); absent, / says how to build it.
    web_dist_dir: Path = Path(__file__).resolve().parent / "web" / "dist"

    # The city's time zone (IANA name): records are stored in UTC and shown, and days counted,
    # in this one.
    time_zone: str = "Asia/Jakarta"

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    # Registry numbers of agreements drafted from approved proposals: {sequence} runs per
    # {year}. The cooperation unit may change the number on the draft.
    agreement_number_format: str = "119/{sequence:03d}-KS/{year}"

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
    # Argon2id cost of new password hashes. "cheapest" exists for the test suite, whose
    # hundreds of sign-ins would otherwise spend minutes hashing; production refuses it.
    password_hashing: Literal["rfc9106-low-memory", "cheapest"] = "rfc9106-low-memory"
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
    # Live updates (subscriptions) re-read the database this often when the engine has no
    # change streams, and alerts (derived from dates) are recomputed this often anyway.
    live_poll_seconds: float = Field(default=5.0, gt=0)
    live_alert_seconds: float = Field(default=60.0, gt=0)
    mail_max_attempts: int = Field(default=6, ge=1)
    mail_retry_base_seconds: float = Field(default=60.0, gt=0)
    mail_retry_max_seconds: float = Field(default=3600.0, gt=0)
    # A sender that claimed a message and died lets another one take it after this long.
    mail_lease_seconds: float = Field(default=300.0, gt=0)
    # Mail queued longer ago than this (e.g. before SMTP was set up) is not sent any more.
    mail_max_age_hours: float = Field(default=48.0, gt=0)

    # Fixity: every stored file is re-hashed and every history re-checked this often (0: never
    # by the server; then run `python cli.py verify-files` from cron). One run reads at most
    # FIXITY_MAX_MB_PER_MINUTE (0: no limit), so it does not crowd out the users. A file is
    # re-hashed before it is served when its last check is older than FIXITY_MAX_AGE_HOURS.
    fixity_interval_hours: float = Field(default=168.0, ge=0)
    fixity_max_mb_per_minute: float = Field(default=600.0, ge=0)
    fixity_max_age_hours: float = Field(default=336.0, ge=0)
    # A process that claimed the run and died lets another take it over after this long.
    fixity_lease_minutes: float = Field(default=10.0, gt=0)
    # OCR of stored scans (OCRmyPDF and Tesseract; see the README). Each API process with OCR
    # installed runs this many worker processes (0: none here, e.g. `cli.py ocr-worker` runs
    # them elsewhere). A worker renews its lease on a job while it works; a job whose worker
    # died is taken again when the lease runs out, at most OCR_MAX_ATTEMPTS times.
    ocr_enabled: bool = True
    ocr_workers: int = Field(default=1, ge=0)
    ocr_lease_seconds: float = Field(default=90.0, gt=0)
    ocr_max_attempts: int = Field(default=3, ge=1)
    ocr_retry_seconds: float = Field(default=60.0, ge=0)
    ocr_timeout_seconds: float = Field(default=1800.0, gt=0)
    ocr_poll_seconds: float = Field(default=5.0, gt=0)
    # Larger images are refused (decompression bombs): A4 at 600 dpi is 35 megapixels.
    ocr_max_megapixels: float = Field(default=100.0, gt=0)
    # GET /metrics (Prometheus) answers only with `Authorization: Bearer <this>`; empty: off.
    metrics_token: str = ""

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
    # the default is the standard's example, which serves for trying the export out: with
    # ENVIRONMENT=production the export refuses to publish under it.
    ocds_ocid_prefix: str = OCDS_EXAMPLE_PREFIX
    ocds_publisher_name: str = "Pemerintah Kota Bogor - Bagian Kerja Sama Sekretariat Daerah"
    ocds_publisher_uri: str = ""
    # The licence the city publishes its open data under (a URL).
    ocds_license: str = "https://creativecommons.org/licenses/by/4.0/"

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


@lru_cache
def city_zone() -> ZoneInfo:
    """Where people read dates and count days (TIME_ZONE)."""
    return ZoneInfo(get_settings().time_zone)
