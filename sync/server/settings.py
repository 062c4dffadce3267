"""Server settings: one pydantic-settings model read from the environment once per process and
passed to what needs it (``create_app``, the background queue, the Celery worker, the
embedding loaders); nothing else reads ``BIG20_SERVER_*`` variables.

Every field is ``BIG20_SERVER_<FIELD>`` in the environment (``BIG20_SERVER_LOGIN_WINDOW_S``),
except the historical names kept as aliases: ``BIG20_SERVER_DATABASE_URL`` or ``DATABASE_URL``,
``BIG20_SERVER_SECRET``, ``BIG20_SERVER_ENV``, ``BIG20_SERVER_TOKEN_MINUTES``,
``BIG20_SERVER_REFRESH_DAYS`` and ``BIG20_MODELS__EMBED`` (the desktop's setting of the same
model). Lists are comma-separated (``BIG20_SERVER_TRUSTED_PROXIES=10.0.0.0/8,127.0.0.1``),
``BIG20_SERVER_ICE_SERVERS`` is JSON, switches read on/off.

Outside development the server refuses to start without a real signing secret
(full-stack-fastapi-template's rule): a default or short secret in production is a defect.
:class:`WorkerSettings` is the part a Celery worker needs (no secret: it signs nothing).
Immutable; safe to share between threads and to send to a worker process.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AliasChoices, Field, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from core.errors import InputError
from sync.rtc import parse_ice_servers

# psycopg prepares a statement after 5 runs and PostgreSQL may then use a generic plan, which
# cannot use an HNSW index for "ORDER BY embedding <=> $1 LIMIT k": measured on 100k vectors,
# 80 ms per top-10 query instead of 2 ms. Custom plans keep the index.
PG_CONNECT_ARGS = {"options": "-c plan_cache_mode=force_custom_plan"}
DEFAULT_BROKER = "redis://127.0.0.1:6379/0"

_DEV_SECRET = "development-only-secret-change-me"
MIN_SECRET = 32


def _alias(field: str, *env: str, default: object = None, **kw: Any) -> Any:
    """A field read from the environment under ``env`` names (not ``BIG20_SERVER_<FIELD>``);
    keyword arguments still use ``field`` (``populate_by_name``). Never the bare field name
    in the environment: a stray ``SECRET_KEY`` or ``ENVIRONMENT`` must not configure us."""
    return Field(default, validation_alias=AliasChoices(*env), **kw)


def _comma_list(value: object) -> object:
    if isinstance(value, str):
        return tuple(part.strip() for part in value.split(",") if part.strip())
    return value


def _switch(value: object) -> object:
    if isinstance(value, str):
        if not value.strip():
            return None
        return value.strip().lower() not in ("off", "0", "no", "false")
    return value


def _none_if_blank(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class WorkerSettings(BaseSettings):
    """What the background work needs: the database, the broker, the models."""

    model_config = SettingsConfigDict(env_prefix="BIG20_SERVER_", frozen=True, extra="ignore",
                                      populate_by_name=True)

    database_url: str = _alias("database_url", "BIG20_SERVER_DATABASE_URL", "DATABASE_URL", default="")
    # Celery broker (redis://...); None runs background tasks in-process (sync.server.background)
    broker_url: str | None = None
    # embedding model id (catalog) used server-side; None = the catalog's default
    embed_model: str | None = _alias("embed_model", "BIG20_MODELS__EMBED")
    # server-side answer evaluator re-scoring synced answers (sync.server.embedding.EVALUATORS);
    # None: answers keep only the desktop's score
    evaluator: str | None = None

    _blank_is_none = field_validator("broker_url", "embed_model", "evaluator", mode="before")(_none_if_blank)

    def engine_args(self) -> dict[str, dict[str, str]]:
        """Keyword arguments of ``core.db.session.make_engine`` for this database."""
        return {"connect_args": PG_CONNECT_ARGS} if self.database_url.startswith("postgresql") else {}


class ServerSettings(WorkerSettings):
    environment: str = _alias("environment", "BIG20_SERVER_ENV", default="production")
    # development without a secret gets a fixed one (validated even when left out)
    secret_key: str = _alias("secret_key", "BIG20_SERVER_SECRET", default="", validate_default=True, repr=False)
    access_token_minutes: int = _alias("access_token_minutes", "BIG20_SERVER_TOKEN_MINUTES", default=15)
    refresh_token_days: float = _alias("refresh_token_days", "BIG20_SERVER_REFRESH_DAYS", default=14.0)
    # login attempts per (address, login) inside the window before 429
    login_attempts: int = 5
    login_window_s: float = 300.0
    # background work after syncs and uploads (embeddings, fit); off for load tests
    background: bool = True
    # where recordings (live WebRTC and uploaded) are written; None: live video and uploads
    # answer 503 (``big20-server --data-dir DIR`` sets DIR/media)
    media_dir: str | None = None
    # STUN/TURN for WebRTC, as RTCIceServer dicts; empty: none (never a public STUN by default)
    ice_servers: Annotated[tuple[dict[str, Any], ...], NoDecode] = ()
    # host addresses ICE may offer (None: every interface); ("127.0.0.1",) on one machine
    ice_addresses: Annotated[tuple[str, ...] | None, NoDecode] = None
    # the Unix socket of the live-video owner process (sync.server.live_owner), which holds
    # every live stream when several API processes serve; set by big20-server for --workers N
    # > 1 with live video on. None: this process holds its own streams
    live_socket: str | None = None
    # the largest chunk a recording upload may send (bytes)
    upload_chunk_max: int = 8 * 1024 * 1024
    # the largest sync bundle (bytes of JSON) and the largest body of any other JSON route;
    # enforced at the ASGI layer before authentication and parsing (sync.server.limits)
    sync_bundle_max: int = 8 * 1024 * 1024
    json_max: int = 256 * 1024
    # the bytes of recordings one candidate may keep on the server (uploads and live)
    recording_quota: int = 2 * 1024 * 1024 * 1024
    # reverse proxies whose X-Forwarded-For is believed (addresses or CIDR networks); none by
    # default: the peer address is the client, whatever the header says
    trusted_proxies: Annotated[tuple[str, ...], NoDecode] = ()
    # per account, across addresses: a growing delay after ``account_delay_after`` failures,
    # a lock of ``account_lock_s`` after ``account_lock_after`` (within ``account_window_s``)
    account_delay_after: int = 5
    account_lock_after: int = 20
    account_lock_s: float = 900.0
    account_window_s: float = 3600.0
    # per address over all logins: past ``10 x login_attempts`` failures in the window, one
    # failing try per ``address_interval_s`` (a slowdown, never a lock-out of the address)
    address_interval_s: float = 2.0
    # registrations per address per hour
    register_per_hour: int = 10
    # bcrypt runs on its own pool: this many threads, this many waiting before 503
    hash_workers: int = 2
    hash_queue: int = 32
    # OpenAPI docs page (/api/v1/docs); the schema stays published. Default: development only
    docs: bool | None = None

    _lists = field_validator("trusted_proxies", "ice_addresses", mode="before")(_comma_list)
    _switches = field_validator("background", "docs", mode="before")(_switch)
    _blank = field_validator("media_dir", "live_socket", mode="before")(_none_if_blank)

    @field_validator("ice_servers", mode="before")
    @classmethod
    def _ice(cls, value: object) -> object:
        return tuple(parse_ice_servers(value)) if isinstance(value, str) else value

    @field_validator("secret_key")
    @classmethod
    def _development_secret(cls, value: str, info: ValidationInfo) -> str:
        return value or (_DEV_SECRET if info.data.get("environment") == "development" else value)

    @model_validator(mode="after")
    def _complete(self) -> "ServerSettings":
        if not self.database_url:
            raise InputError("server.no_database")
        check_secret(self.secret_key, self.environment)
        return self

    @classmethod
    def from_env(cls) -> "ServerSettings":
        """The settings of this process (environment variables; InputError when the database
        is missing or the secret is weak outside development)."""
        return cls()

    @property
    def docs_enabled(self) -> bool:
        return self.docs if self.docs is not None else self.environment == "development"

    def worker(self) -> WorkerSettings:
        """The part a background worker needs (picklable, no secret)."""
        return WorkerSettings(database_url=self.database_url, broker_url=self.broker_url,
                              embed_model=self.embed_model, evaluator=self.evaluator)


def check_secret(secret: str, environment: str) -> None:
    """InputError when ``secret`` is the default or shorter than 32 characters outside development."""
    if environment != "development" and (not secret or secret == _DEV_SECRET or len(secret) < MIN_SECRET):
        raise InputError("server.weak_secret")
