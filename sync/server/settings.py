"""Server settings from the environment (``BIG20_SERVER_*``).

Outside development the server refuses to start without a real signing secret
(full-stack-fastapi-template's rule): a default secret in production is a defect.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from core.errors import InputError

_DEV_SECRET = "development-only-secret-change-me"


@dataclass(frozen=True)
class ServerSettings:
    database_url: str
    secret_key: str
    environment: str = "production"
    access_token_minutes: int = 15

    @classmethod
    def from_env(cls) -> "ServerSettings":
        env = os.environ.get("BIG20_SERVER_ENV", "production")
        url = os.environ.get("BIG20_SERVER_DATABASE_URL", "")
        secret = os.environ.get("BIG20_SERVER_SECRET", "")
        if not url:
            raise InputError("server.no_database")
        if env != "development" and (not secret or secret == _DEV_SECRET or len(secret) < 32):
            raise InputError("server.weak_secret")
        return cls(database_url=url, secret_key=secret or _DEV_SECRET, environment=env,
                   access_token_minutes=int(os.environ.get("BIG20_SERVER_TOKEN_MINUTES", "15")))
