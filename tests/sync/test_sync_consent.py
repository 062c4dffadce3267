"""Consent is the server's (issue 23, finding 3), end to end with the desktop's outbox: a share
revoked on the server stays revoked when the desktop re-pushes its older snapshot, and comes
back only through the candidate's explicit grant - which the outbox sends when the candidate
shared again on the desktop after that revocation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.models import Interview, UserRole
from core.db.session import session_factory, transaction, upgrade_database
from core.services import sharing
from sync.client.api import ServerClient
from sync.client.outbox import Outbox, enqueue_interview
from tests.sync.server_helpers import PASSWORD, ServerProcess, make_local_interview, seeded_server_db

pytestmark = pytest.mark.postgres


def test_old_snapshot_stays_revoked_and_a_new_local_grant_shares_again(pg_engine, sqlite_engine):
    seeded_server_db(pg_engine, "mei", ("kakao_rec", UserRole.recruiter, "KAKAO"))
    server = ServerProcess(pg_engine.url.render_as_string(hide_password=False)).start()
    try:
        upgrade_database(sqlite_engine)
        uuid = make_local_interview(sqlite_engine)
        sessions = session_factory(sqlite_engine)

        def queue() -> None:
            with transaction(sessions) as s:
                enqueue_interview(s, s.scalars(select(Interview).where(Interview.uuid == uuid)).one())

        mei, rec = ServerClient(server.url), ServerClient(server.url)
        mei.login("mei", PASSWORD)
        queue()
        assert Outbox(sessions, mei).run_once().sent == 1
        iid = mei.interview_state(uuid)["interview_id"]
        rec.login("kakao_rec", PASSWORD)
        assert rec.report(iid)["interview_id"] == iid
        mei.revoke_share(iid, "KAKAO")  # withdrawn on the server (another device, the web)
        queue()  # the desktop re-sends its snapshot, granted before that revocation
        assert Outbox(sessions, mei).run_once().sent == 1
        assert mei.shares(iid)[0]["revoked_at"] is not None
        # the candidate shares again on this desktop: an explicit grant reaches the server
        with transaction(sessions) as s:
            iv = s.scalars(select(Interview).where(Interview.uuid == uuid)).one()
            sharing.revoke(s, iv, "KAKAO")
            sharing.grant(s, iv, "KAKAO")
            enqueue_interview(s, iv)
        assert Outbox(sessions, mei).run_once().sent == 1
        assert mei.shares(iid)[0]["revoked_at"] is None
        assert rec.report(iid)["interview_id"] == iid
    finally:
        server.stop()
