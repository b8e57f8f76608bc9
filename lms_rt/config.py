"""Settings from the environment (prefix ``LMS_``) and the Tortoise ORM configuration.

The embedded default needs no settings at all: SQLite under ``./var``, in-process bus and jobs,
local file storage and an outbox folder for mail. Setting ``LMS_DATABASE_URL`` to a
``postgres://`` URL and ``LMS_REDIS_URL`` switches to services mode.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_SECRET_KEY = "insecure-development-key-change-me"
MIN_SECRET_KEY_BYTES = 32
# With no LMS_JWT_KEYS, LMS_SECRET_KEY signs and verifies tokens under this id; tokens made
# before tokens carried a ``kid`` are verified with the key of this id too.
DEFAULT_JWT_KEY_ID = "default"
_JWT_KEY_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

MODEL_MODULES: list[str] = [
    "lms_rt.users.models",
    "lms_rt.auth.models",
    "lms_rt.courses.models",
    "lms_rt.enrollments.models",
    "lms_rt.quizzes.models",
    "lms_rt.live.models",
    "lms_rt.certificates.models",
    "lms_rt.files.models",
    "lms_rt.mail.models",
    "lms_rt.payments.models",
    "lms_rt.notifications.models",
    "lms_rt.announcements.models",
    "lms_rt.assignments.models",
    "lms_rt.gradebook.models",
    "lms_rt.privacy.models",
    "lms_rt.audit.models",
    "aerich.models",
]


class ConfigurationError(RuntimeError):
    """The settings cannot be used as given; the message says why."""


def _split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def _parse_jwt_keys(value: Any) -> Any:
    """``id1:secret1,id2:secret2`` into a mapping; error messages name ids, never secrets."""
    if not isinstance(value, str):
        return value
    keys: dict[str, str] = {}
    for position, entry in enumerate(_split_csv(value), start=1):
        key_id, colon, secret = entry.partition(":")
        key_id = key_id.strip()
        if not colon or not key_id or not secret.strip():
            raise ConfigurationError(
                f"LMS_JWT_KEYS entry {position} is not of the form id:secret "
                "(entries are separated by commas)"
            )
        if key_id in keys:
            raise ConfigurationError(f"LMS_JWT_KEYS lists the key id {key_id!r} twice")
        keys[key_id] = secret.strip()
    return keys


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LMS_", extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8080
    base_url: str = "http://127.0.0.1:8080"
    secret_key: str = DEFAULT_SECRET_KEY

    data_dir: Path = Path("var")
    database_url: str = ""
    redis_url: str = ""
    # PostgreSQL connections per process (min kept open, max opened under load), how long to
    # wait for one, and server-side limits on a statement and on an idle open transaction.
    db_pool_min: int = Field(default=1, ge=0)
    db_pool_max: int = Field(default=10, ge=1)
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0)
    db_statement_timeout_ms: int = Field(default=30_000, ge=0)
    db_idle_in_transaction_timeout_ms: int = Field(default=60_000, ge=0)
    # 0 behind PgBouncer in transaction mode, which cannot keep prepared statements.
    db_statement_cache_size: int = Field(default=100, ge=0)

    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_body_bytes: int = 1024 * 1024
    # Pending connections the kernel holds for each server process; 128 (the default) drops
    # connections when hundreds of clients arrive at once.
    backlog: int = 1024
    rate_limit: str = "300/minute"
    # The published catalog is cached per process this long (0: off), within this memory;
    # changes reach every process at once over the bus, counts and ratings may lag the TTL.
    catalog_cache_seconds: float = Field(default=5.0, ge=0)
    catalog_cache_max_bytes: int = Field(default=16 * 1024 * 1024, ge=0)

    smtp_host: str = ""
    smtp_port: int = 25
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = False
    # Implicit TLS from the first byte (port 465), instead of upgrading with STARTTLS.
    smtp_tls: bool = False
    mail_from: str = "lms_rt <no-reply@lms.local>"
    # A failed send is retried after this, then twice as long each time.
    mail_retry_base_seconds: float = 10.0

    # Identity. bcrypt cost 12 is ~0.25 s per hash on one core: slow for attackers, fine for
    # people; tests lower it.
    bcrypt_rounds: int = Field(default=12, ge=4, le=16)
    access_token_minutes: int = 15
    refresh_token_days: int = 30
    jwt_issuer: str = "lms_rt"
    jwt_audience: str = "lms_rt.api"
    # Signing keys of access and refresh tokens, by id ("id:secret,id:secret"). Every key listed
    # verifies; LMS_JWT_SIGNING_KEY_ID names the one that signs. Empty: LMS_SECRET_KEY is the
    # only key, under the id "default".
    jwt_keys: Annotated[dict[str, SecretStr], NoDecode] = Field(default_factory=dict)
    jwt_signing_key_id: str = ""
    email_token_hours: int = 48
    reset_token_minutes: int = 60
    # Failed sign-ins tolerated before 429: per account, and per client address.
    login_failures_per_account: str = "10/15minute"
    login_failures_per_ip: str = "50/15minute"

    # Realtime. History lets a client that was away resume; beyond it the client refetches.
    ws_history_size: int = 1000
    ws_history_ttl_seconds: int = 3600
    ws_max_frame_bytes: int = 64 * 1024
    # A reader this far behind is closed (4429) rather than slowing the process for everyone.
    ws_send_queue_bytes: int = 1024 * 1024
    ws_max_connections_per_user: int = 10
    ws_messages_per_second: float = 20.0
    ws_message_burst: int = 60
    ws_auth_timeout_seconds: float = 10.0
    ws_heartbeat_seconds: float = 25.0
    # After a token expires the client has this long to send a fresh one before 4401.
    ws_reauth_grace_seconds: float = 30.0
    # A stopping process lets calls already being handled send their replies for up to this
    # long before its sockets hear 1001 (a live answer's batch commits in well under a second).
    ws_shutdown_grace_seconds: float = Field(default=2.0, ge=0)
    # Connection seats of a process that died without a goodbye (SIGKILL, a lost machine)
    # stop counting within this; a live process renews its presence three times as often.
    ws_seat_ttl_seconds: float = Field(default=10.0, ge=1)
    # Redis Cluster: a channel's pub/sub name carries its keys' hash tag and events go out by
    # SPUBLISH/SSUBSCRIBE (Redis >= 7), so each channel lives on one shard.
    redis_sharded_pubsub: bool = False

    # Files. "local" keeps them under data_dir/files; "s3" in a bucket of an S3-compatible store.
    storage_backend: Literal["local", "s3"] = "local"
    s3_endpoint_url: str = ""
    s3_region: str = "us-east-1"
    s3_bucket: str = "lms-rt"
    s3_access_key_id: str = ""
    s3_secret_access_key: str = ""
    # Download links are short-lived: long enough to start a download, too short to share.
    download_url_seconds: int = 300
    upload_max_bytes: int = 50 * 1024 * 1024
    avatar_max_bytes: int = 5 * 1024 * 1024
    user_quota_bytes: int = 1024 * 1024 * 1024

    # Personal data. An export can be downloaded for this long; a user's own erasure request
    # waits this many days (cancellable); retention in days (0: keep forever).
    data_export_hours: int = Field(default=48, ge=1)
    erasure_cooling_off_days: int = Field(default=7, ge=0)
    retention_live_log_days: int = Field(default=365, ge=0)
    retention_chat_days: int = Field(default=180, ge=0)
    retention_notification_days: int = Field(default=365, ge=0)
    retention_sent_mail_days: int = Field(default=365, ge=0)
    retention_webhook_payload_days: int = Field(default=90, ge=0)

    # Certificates: the readable start of every certificate number.
    certificate_prefix: str = "LMS"
    certificate_verifications: str = "30/minute"

    # The weekly report to instructors: ISO weekday (1 = Monday) and hour, in UTC.
    weekly_report_weekday: int = Field(default=1, ge=1, le=7)
    weekly_report_hour: int = Field(default=9, ge=0, le=23)
    # The worker's own small HTTP port for /metrics (0: none).
    worker_metrics_port: int = 0

    # Payments. Base URLs are settings so that tests (and sandboxes) can point elsewhere.
    stripe_api_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    stripe_webhook_secret: str = ""
    myfatoorah_api_key: str = ""
    myfatoorah_base_url: str = "https://apitest.myfatoorah.com"
    myfatoorah_webhook_secret: str = ""
    # Stripe webhooks older than this are refused (replays).
    webhook_tolerance_seconds: int = 300

    job_timeout_seconds: int = 60
    # Jobs one worker runs at once, per queue (``lms-rt worker --concurrency`` overrides it).
    worker_concurrency: int = Field(default=10, ge=1, le=1000)
    log_level: str = "INFO"
    log_json: bool = True

    @field_validator("cors_origins", "trusted_proxies", mode="before")
    @classmethod
    def _csv(cls, value: Any) -> Any:
        return _split_csv(value)

    @field_validator("jwt_keys", mode="before")
    @classmethod
    def _jwt_keys_compact(cls, value: Any) -> Any:
        return _parse_jwt_keys(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            ipaddress.ip_network(item, strict=False)
        return value

    @model_validator(mode="after")
    def _production_secret(self) -> Settings:
        if self.env == "production":
            if self.secret_key == DEFAULT_SECRET_KEY:
                raise ConfigurationError(
                    "LMS_SECRET_KEY is the built-in development key; set a random secret of "
                    f"at least {MIN_SECRET_KEY_BYTES} bytes before running in production"
                )
            if len(self.secret_key.encode()) < MIN_SECRET_KEY_BYTES:
                raise ConfigurationError(
                    f"LMS_SECRET_KEY is {len(self.secret_key.encode())} bytes; production needs "
                    f"at least {MIN_SECRET_KEY_BYTES} bytes of secret"
                )
        return self

    @model_validator(mode="after")
    def _jwt_key_ring(self) -> Settings:
        if not self.jwt_keys:
            if self.jwt_signing_key_id not in ("", DEFAULT_JWT_KEY_ID):
                raise ConfigurationError(
                    f"LMS_JWT_SIGNING_KEY_ID is {self.jwt_signing_key_id!r} but LMS_JWT_KEYS is "
                    "empty; list that key in LMS_JWT_KEYS"
                )
            return self
        for key_id, secret in self.jwt_keys.items():
            if not _JWT_KEY_ID.match(key_id):
                raise ConfigurationError(
                    f"LMS_JWT_KEYS key id {key_id!r} must be 1-64 letters, digits, '.', '_' or '-'"
                )
            size = len(secret.get_secret_value().encode())
            if size < MIN_SECRET_KEY_BYTES:
                raise ConfigurationError(
                    f"LMS_JWT_KEYS key {key_id!r} is {size} bytes; each key needs at least "
                    f"{MIN_SECRET_KEY_BYTES} bytes of secret"
                )
            if self.env == "production" and secret.get_secret_value() == DEFAULT_SECRET_KEY:
                raise ConfigurationError(
                    f"LMS_JWT_KEYS key {key_id!r} is the built-in development key"
                )
        if not self.jwt_signing_key_id:
            if len(self.jwt_keys) > 1:
                raise ConfigurationError(
                    f"LMS_JWT_KEYS lists {len(self.jwt_keys)} keys; set LMS_JWT_SIGNING_KEY_ID "
                    "to the one that signs new tokens"
                )
        elif self.jwt_signing_key_id not in self.jwt_keys:
            raise ConfigurationError(
                f"LMS_JWT_SIGNING_KEY_ID is {self.jwt_signing_key_id!r}, which is not among the "
                f"keys of LMS_JWT_KEYS ({', '.join(sorted(self.jwt_keys))})"
            )
        return self

    @property
    def jwt_verification_keys(self) -> dict[str, str]:
        """Every key id a token may name, with its secret."""
        if not self.jwt_keys:
            return {DEFAULT_JWT_KEY_ID: self.secret_key}
        return {key_id: secret.get_secret_value() for key_id, secret in self.jwt_keys.items()}

    @property
    def jwt_signing_key(self) -> tuple[str, str]:
        """The id and secret that sign new tokens."""
        keys = self.jwt_verification_keys
        key_id = self.jwt_signing_key_id or next(iter(keys))
        return key_id, keys[key_id]

    @property
    def embedded(self) -> bool:
        """True when running on the embedded default (no PostgreSQL, no Redis)."""
        return not self.redis_url

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite://{self.data_dir / 'lms.sqlite3'}"

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"


def tortoise_config(settings: Settings) -> dict[str, Any]:
    url = settings.effective_database_url
    connection: str | dict[str, Any] = url
    if url.startswith(("postgres://", "postgresql://")):
        connection = {
            "engine": "tortoise.backends.asyncpg",
            "credentials": _postgres_credentials(url, settings),
        }
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def _postgres_credentials(url: str, settings: Settings) -> dict[str, Any]:
    """Tortoise hands keys it does not know to ``asyncpg.create_pool``."""
    from tortoise.backends.base.config_generator import expand_db_url

    credentials: dict[str, Any] = expand_db_url(url)["credentials"]
    credentials["maxsize"] = settings.db_pool_max
    credentials["minsize"] = min(settings.db_pool_min, settings.db_pool_max)
    credentials["timeout"] = settings.db_connect_timeout_seconds
    credentials["statement_cache_size"] = settings.db_statement_cache_size
    credentials["server_settings"] = {
        "application_name": "lms_rt",
        "statement_timeout": str(settings.db_statement_timeout_ms),
        "idle_in_transaction_session_timeout": str(settings.db_idle_in_transaction_timeout_ms),
    }
    return credentials


def load_settings(**overrides: Any) -> Settings:
    """Read settings from the environment; keyword arguments win over it."""
    try:
        return Settings(**overrides)
    except ConfigurationError:
        raise
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from exc


def __getattr__(name: str) -> Any:
    """``TORTOISE_ORM``, which aerich reads (see [tool.tortoise] in pyproject.toml), is built
    when asked for: reading the settings at import would turn a configuration error into a
    traceback before ``lms-rt`` can report it."""
    if name == "TORTOISE_ORM":
        return tortoise_config(Settings())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
