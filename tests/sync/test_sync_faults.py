"""The outbox against a real server process on a real PostgreSQL: injected network errors,
lost responses (the same push delivered twice), the server killed mid-push and restarted,
the app killed mid-push. Afterwards the server holds exactly one copy of every record and
nothing is lost."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from sqlalchemy import func, select, text

from core.db.models import OutboxStatus, SyncOutbox, Transcript
from core.db.session import session_factory, transaction, upgrade_database
from sync.client.api import ServerClient
from sync.client.outbox import Outbox, enqueue_interview, sync_state, sync_states
from tests.sync.server_helpers import (
    CHILD_KEYRING,
    PASSWORD,
    REPO,
    ServerProcess,
    make_local_interview,
    seeded_server_db,
    server_counts,
)

pytestmark = pytest.mark.postgres
LATER = datetime.now(timezone.utc) + timedelta(days=1)  # "now" after every backoff has elapsed


@pytest.fixture
def server_db(pg_engine):
    return seeded_server_db(pg_engine, "mei")


@pytest.fixture
def server(server_db):
    proc = ServerProcess(server_db.url.render_as_string(hide_password=False)).start()
    yield proc
    proc.stop()


@pytest.fixture
def local(sqlite_engine):
    upgrade_database(sqlite_engine)
    return sqlite_engine


def queue(local, n: int, **kw) -> list[str]:
    from core.db.models import Interview

    uuids = [make_local_interview(local, **kw) for _ in range(n)]
    with transaction(session_factory(local)) as s:
        for u in uuids:
            enqueue_interview(s, s.scalars(select(Interview).where(Interview.uuid == u)).one())
    return uuids


def local_transcripts(local, uuid: str) -> int:
    from core.db.models import Interview

    with session_factory(local)() as s:
        iv = s.scalars(select(Interview).where(Interview.uuid == uuid)).one()
        return s.scalar(select(func.count()).select_from(Transcript).where(Transcript.interview_id == iv.id))


def assert_exactly_once(server_db, local, uuids):
    for u in uuids:
        counts = server_counts(server_db, u)
        assert counts == {"interviews": 1, "transcripts": local_transcripts(local, u), "questions": 2,
                          "reports": 1}, (u, counts)
    with server_db.connect() as c:
        assert c.execute(text("SELECT count(*) FROM interviews")).scalar() == len(uuids)
        assert c.execute(text("SELECT count(*) FROM resumes")).scalar() == 1  # one resume, by sha256
        # the consent came along: the company can read every interview
        assert c.execute(text("SELECT count(*) FROM share_consents WHERE revoked_at IS NULL")).scalar() == len(uuids)
    with session_factory(local)() as s:
        assert {st.status for st in sync_states(s).values()} == {"synced"}


class FaultyTransport(httpx.HTTPTransport):
    """The real HTTP transport with scripted faults on sync pushes: ``refuse`` fails before
    sending (connection refused), ``lose`` delivers the request and drops the answer,
    ``kill`` delivers it, kills the server process and drops the answer."""

    def __init__(self, script: list[str], server: ServerProcess | None = None) -> None:
        super().__init__()
        self.script = list(script)
        self.server = server
        self.pushes = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/sync/interviews"):
            return super().handle_request(request)
        self.pushes += 1
        action = self.script.pop(0) if self.script else "ok"
        if action == "refuse":
            raise httpx.ConnectError("injected: connection refused", request=request)
        response = super().handle_request(request)
        response.read()
        if action == "lose":
            raise httpx.ReadError("injected: connection reset after the request", request=request)
        if action == "kill":
            self.server.kill()
            raise httpx.RemoteProtocolError("server died before answering", request=request)
        return response


def client_for(server: ServerProcess, transport=None) -> ServerClient:
    client = ServerClient(server.url, transport=transport)
    client.login("mei", PASSWORD)
    return client


def test_injected_network_errors_and_duplicate_deliveries(server, server_db, local):
    uuids = queue(local, 3)
    transport = FaultyTransport(["refuse", "lose", "ok", "lose", "refuse", "lose"])
    with client_for(server, transport) as client:
        outbox = Outbox(session_factory(local), client)
        first = outbox.run_once()
        assert first.sent == 1 and first.retry == 2
        with session_factory(local)() as s:
            pending = [st for st in sync_states(s).values() if st.status == "pending"]
            assert len(pending) == 2 and all(st.reason and st.next_attempt_at for st in pending)
        # nothing is retried before its backoff; then everything goes through
        assert outbox.run_once().sent == 0
        for i in range(5):  # each round "a day later": every backoff has elapsed
            outbox.run_once(now=LATER + timedelta(days=i))
    with session_factory(local)() as s:
        assert all(sync_state(s, u).status == "synced" for u in uuids)
    assert_exactly_once(server_db, local, uuids)
    with server_db.connect() as c:  # every lost answer was a delivered push, answered from its receipt
        assert c.execute(text("SELECT count(*) FROM sync_receipts")).scalar() == 3
    # the same snapshot pushed again under a new key: replaced, still one copy
    with transaction(session_factory(local)) as s:
        from core.db.models import Interview

        enqueue_interview(s, s.scalars(select(Interview).where(Interview.uuid == uuids[0])).one())
    with client_for(server) as client:
        assert Outbox(session_factory(local), client).run_once().sent == 1
    assert_exactly_once(server_db, local, uuids)


def test_server_killed_mid_push_and_restarted(server, server_db, local):
    uuids = queue(local, 3, utterances_per_answer=200)  # ~30 min of speech each
    transport = FaultyTransport(["ok", "kill"], server)
    with client_for(server, transport) as client:
        outbox = Outbox(session_factory(local), client)
        r = outbox.run_once()
        assert (r.sent, r.retry) == (1, 2)  # the third push met a dead server
        server.start()  # same port, same database
        for i in range(3):
            outbox.run_once(now=LATER + timedelta(days=i))
    assert_exactly_once(server_db, local, uuids)

    # killed at an arbitrary moment while a large push is in flight: either it committed or not
    more = queue(local, 1, utterances_per_answer=400)
    killer = threading.Timer(0.05, server.kill)
    with client_for(server) as client:
        outbox = Outbox(session_factory(local), client)
        killer.start()
        outbox.run_once()
        killer.join()
        server.start()
        for i in range(3):
            outbox.run_once(now=LATER + timedelta(days=i))
    assert_exactly_once(server_db, local, uuids + more)


CHILD = CHILD_KEYRING + r"""
from core.db.session import make_engine, session_factory
from core.secrets import SecretStore
from sync.client.api import ServerClient
from sync.client.outbox import Outbox
url, db, refresh, marker = sys.argv[1:5]
SecretStore().set("server_refresh_token", refresh)
client = ServerClient(url)
real_push = client.push_interview
def push(payload, key):
    receipt = real_push(payload, key)
    open(marker, "w").write(key)   # the server has committed; the app dies before recording it
    import time
    time.sleep(600)
client.push_interview = push
Outbox(session_factory(make_engine(db)), client).run_once()
"""


def test_app_killed_mid_push_then_restarted(server, server_db, local, tmp_path):
    uuids = queue(local, 2)
    tokens = httpx.post(server.url + "/api/v1/auth/token", data={"username": "mei", "password": PASSWORD}).json()
    marker = tmp_path / "pushed"
    child = subprocess.Popen([sys.executable, "-c", CHILD, server.url, str(local.url), tokens["refresh_token"],
                              str(marker)], cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        import time

        deadline = time.monotonic() + 60
        while not marker.exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)  # waiting for a condition (the push landed), bounded
        assert marker.exists(), "the child never pushed"
    finally:
        child.kill()
        child.wait()
    with session_factory(local)() as s:  # the app died: locally the row is still pending
        rows = list(s.scalars(select(SyncOutbox).order_by(SyncOutbox.id)))
        assert [r.status for r in rows] == [OutboxStatus.pending, OutboxStatus.pending]
        assert rows[0].attempts == 1
    assert server_counts(server_db, uuids[0])["interviews"] == 1
    # the restarted app pushes again with the same key: answered from the receipt
    with client_for(server) as client:
        r = Outbox(session_factory(local), client).run_once()
    assert r.sent == 2
    assert_exactly_once(server_db, local, uuids)
