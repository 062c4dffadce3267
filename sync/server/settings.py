"""Server settings from the environment (``BIG20_SERVER_*``; ``DATABASE_URL`` too).

Outside development the server refuses to start without a real signing secret
(full-stack-fastapi-template's rule): a default or short secret in production is a defect.
Immutable; safe to share between threads.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from core.errors import InputError

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
                   evaluator=os.environ.get("BIG20_SERVER_EVALUATOR") or None)


def check_secret(secret: str, environment: str) -> None:
    """InputError when ``secret`` is the default or shorter than 32 characters outside development."""
    if environment != "development" and (not secret or secret == _DEV_SECRET or len(secret) < MIN_SECRET):
        raise InputError("server.weak_secret")
