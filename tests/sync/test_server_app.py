"""The server app on a real PostgreSQL 18 + pgvector; settings refuse weak secrets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.errors import InputError
from sync.server.app import create_app
from sync.server.settings import ServerSettings


@pytest.mark.postgres
def test_health_reports_schema_and_pgvector(pg_engine):
    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="s" * 40))
    with TestClient(app) as client:
        body = client.get("/api/v1/health").json()
    assert body["status"] == "ok" and body["database"] == "postgresql"
    assert body["schema_revision"] == "0004" and body["pgvector"]


def test_settings_refuse_missing_or_weak_secret(monkeypatch):
    monkeypatch.setenv("BIG20_SERVER_DATABASE_URL", "postgresql://x@localhost/db")
    monkeypatch.delenv("BIG20_SERVER_ENV", raising=False)
    monkeypatch.setenv("BIG20_SERVER_SECRET", "short")
    with pytest.raises(InputError) as err:
        ServerSettings.from_env()
    assert "32" in str(err.value)
    monkeypatch.setenv("BIG20_SERVER_ENV", "development")
    assert ServerSettings.from_env().environment == "development"
    monkeypatch.delenv("BIG20_SERVER_DATABASE_URL")
    with pytest.raises(InputError):
        ServerSettings.from_env()
