"""Server settings from the environment (``BIG20_SERVER_*``; ``DATABASE_URL`` too).

Outside development the server refuses to start without a real signing secret
(full-stack-fastapi-template's rule): a default or short secret in production is a defect.
Immutable; safe to share between threads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from core.errors import InputError
from sync.rtc import parse_ice_servers

# psycopg prepares a statement after 5 runs and PostgreSQL may then use a generic plan, which
# cannot use an HNSW index for "ORDER BY embedding <=> $1 LIMIT k": measured on 100k vectors,
# 80 ms per top-10 query instead of 2 ms. Custom plans keep the index.
PG_CONNECT_ARGS = {"options": "-c plan_cache_mode=force_custom_plan"}

_DEV_SECRET = "development-only-secret-change-me"
MIN_SECRET = 32


@dataclass(frozen=True)
class ServerSettings:
    database_url: str
    secret_key: str
    environment: str = "production"
    access_token_minutes: int = 15
    refresh_token_days: float = 14.0
    # login attempts per (address, login) inside the window before 429
    login_attempts: int = 5
    login_window_s: float = 300.0
    # Celery broker (redis://...); None runs no background tasks
    broker_url: str | None = None
    # embedding model id (catalog) used server-side; None = the configured default
    embed_model: str | None = None
    # background work after syncs and uploads (embeddings, fit); off for load tests
    background: bool = True
    # where recordings (live WebRTC and uploaded) are written; None: live video and uploads
    # answer 503 (``big20-server --data-dir DIR`` sets DIR/media)
    media_dir: str | None = None
    # STUN/TURN for WebRTC, as RTCIceServer dicts; empty: none (never a public STUN by default)
    ice_servers: tuple = field(default_factory=tuple)
    # host addresses ICE may offer (None: every interface); ("127.0.0.1",) on one machine
    ice_addresses: tuple | None = None
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
    trusted_proxies: tuple = field(default_factory=tuple)
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
    # server-side answer evaluator re-scoring synced answers (sync.server.embedding.EVALUATORS);
    # None: answers keep only the desktop's score
    evaluator: str | None = None

    def __post_init__(self) -> None:
        check_secret(self.secret_key, self.environment)

    @classmethod
    def from_env(cls) -> "ServerSettings":
        env = os.environ.get("BIG20_SERVER_ENV", "production")
        url = os.environ.get("BIG20_SERVER_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
        secret = os.environ.get("BIG20_SERVER_SECRET", "")
        if not url:
            raise InputError("server.no_database")
        if env == "development" and not secret:
            secret = _DEV_SECRET
        return cls(database_url=url, secret_key=secret, environment=env,
                   access_token_minutes=int(os.environ.get("BIG20_SERVER_TOKEN_MINUTES", "15")),
                   refresh_token_days=float(os.environ.get("BIG20_SERVER_REFRESH_DAYS", "14")),
                   login_attempts=int(os.environ.get("BIG20_SERVER_LOGIN_ATTEMPTS", "5")),
                   broker_url=os.environ.get("BIG20_SERVER_BROKER_URL") or None,
                   embed_model=os.environ.get("BIG20_MODELS__EMBED") or None,
                   background=os.environ.get("BIG20_SERVER_BACKGROUND", "on").lower() not in ("off", "0", "no"),
                   media_dir=os.environ.get("BIG20_SERVER_MEDIA_DIR") or None,
                   ice_servers=tuple(parse_ice_servers(os.environ.get("BIG20_SERVER_ICE_SERVERS"))),
                   ice_addresses=tuple(a.strip() for a in os.environ["BIG20_SERVER_ICE_ADDRESSES"].split(",")
                                       if a.strip()) if os.environ.get("BIG20_SERVER_ICE_ADDRESSES") else None,
                   evaluator=os.environ.get("BIG20_SERVER_EVALUATOR") or None,
                   trusted_proxies=tuple(a.strip() for a in os.environ.get("BIG20_SERVER_TRUSTED_PROXIES", "").split(",")
                                         if a.strip()),
                   docs=_flag(os.environ.get("BIG20_SERVER_DOCS")))

    @property
    def docs_enabled(self) -> bool:
        return self.docs if self.docs is not None else self.environment == "development"


def _flag(value: str | None) -> bool | None:
    if value is None or not value.strip():
        return None
    return value.strip().lower() not in ("off", "0", "no", "false")


def check_secret(secret: str, environment: str) -> None:
    """InputError when ``secret`` is the default or shorter than 32 characters outside development."""
    if environment != "development" and (not secret or secret == _DEV_SECRET or len(secret) < MIN_SECRET):
        raise InputError("server.weak_secret")
