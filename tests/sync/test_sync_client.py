"""The desktop's server client: plain HTTP refused off loopback, TLS with a self-signed
certificate made here (trusted explicitly: works; not trusted: refused, never retried
unverified), tokens in the keyring, 401 -> refresh -> log in again, the recruiter API."""

from __future__ import annotations

import datetime as dt
import json
import ipaddress

import pytest

from core.db.models import UserRole
from core.db.session import session_factory, transaction, upgrade_database
from core.errors import InputError
from core.secrets import SecretStore
from sync.client.api import REFRESH_SECRET, LoginRequired, ServerClient, check_url
from sync.client.outbox import Outbox, enqueue_interview
from tests.sync.server_helpers import PASSWORD, ServerProcess, make_local_interview, seeded_server_db


def test_plain_http_only_to_loopback_unless_allowed():
    assert check_url("http://127.0.0.1:8020/") == "http://127.0.0.1:8020"
    assert check_url("http://localhost:8020") == "http://localhost:8020"
    assert check_url("http://[::1]:8020") == "http://[::1]:8020"
    with pytest.raises(InputError) as err:
        check_url("http://interview.example.com")
    assert err.value.code == "sync.insecure_url" and "https" in err.value.localized("ko")
    assert check_url("http://10.0.0.5:8020", allow_insecure=True) == "http://10.0.0.5:8020"
    assert check_url("https://interview.example.com") == "https://interview.example.com"
    with pytest.raises(InputError):
        check_url("ftp://x")
    with pytest.raises(InputError):  # refused before any connection is tried
        ServerClient("http://192.0.2.1:9")


def _self_signed(tmp_path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "big20 test server")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = tmp_path / "cert.pem", tmp_path / "key.pem"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


@pytest.fixture
def server_db(pg_engine):
    return seeded_server_db(pg_engine, "mei", ("kakao_rec", UserRole.recruiter, "KAKAO"))


@pytest.mark.postgres
def test_tls_with_a_trusted_self_signed_certificate(server_db, tmp_path):
    certfile, keyfile = _self_signed(tmp_path)
    server = ServerProcess(server_db.url.render_as_string(hide_password=False), scheme="https",
                           extra_args=["--ssl-certfile", str(certfile), "--ssl-keyfile", str(keyfile)])
    server.start(verify=str(certfile))
    try:
        with ServerClient(server.url, verify=str(certfile)) as client:
            assert client.login("mei", PASSWORD)["username"] == "mei"
        with ServerClient(server.url) as untrusted:  # system CAs only: the certificate is not trusted
            with pytest.raises(InputError) as err:
                untrusted.login("mei", PASSWORD)
            assert err.value.code == "sync.tls_failed"
    finally:
        server.stop()


@pytest.mark.postgres
def test_tokens_in_keyring_refresh_and_login_again(server_db, sqlite_engine):
    server = ServerProcess(server_db.url.render_as_string(hide_password=False)).start()
    try:
        secrets = SecretStore()
        client = ServerClient(server.url)
        client.login("mei", PASSWORD)
        first = secrets.get(REFRESH_SECRET)
        assert first
        # a new client (app restart) has no access token: it refreshes from the keyring (rotation)
        again = ServerClient(server.url)
        assert again.me()["username"] == "mei"
        assert secrets.get(REFRESH_SECRET) != first
        # the server revoked the session (logout elsewhere): the next refresh fails, the token is cleared
        again.logout()
        assert secrets.get(REFRESH_SECRET) is None
        with pytest.raises(LoginRequired):
            ServerClient(server.url).me()

        # recruiter review API over a pushed interview
        upgrade_database(sqlite_engine)
        uuid = make_local_interview(sqlite_engine)
        from sqlalchemy import select

        from core.db.models import Interview

        with transaction(session_factory(sqlite_engine)) as s:
            enqueue_interview(s, s.scalars(select(Interview).where(Interview.uuid == uuid)).one())
        mei = ServerClient(server.url)
        mei.login("mei", PASSWORD)
        assert Outbox(session_factory(sqlite_engine), mei).run_once().sent == 1
        assert mei.interview_state(uuid)["transcripts"] == 4
        rec = ServerClient(server.url)
        rec.login("kakao_rec", PASSWORD)
        shared = rec.shared_interviews(sort="score")
        assert [i["uuid"] for i in shared] == [uuid]
        report = rec.report(shared[0]["id"])
        assert report["summary"]["technical"] is not None and len(report["details"]) == 2
        assert len(rec.transcripts(shared[0]["id"])) == 4
        rec.add_note(shared[0]["id"], "다음 단계 추천", score_override=85.0)
        assert rec.notes(shared[0]["id"])[0]["score_override"] == 85.0
        assert {e["what"] for e in mei.access_log(shared[0]["id"])} >= {"listed", "report", "transcript", "note"}
        # a stored report that is not one (written past the sync route's check) is refused by the
        # client, naming where, instead of failing later inside a report screen
        from sqlalchemy import text

        with server_db.begin() as c:
            key = c.execute(text("SELECT id FROM interviews WHERE uuid = :u"), {"u": shared[0]["id"]}).scalar_one()
            doc = c.execute(text("SELECT details_json FROM evaluation_reports WHERE interview_id = :i"),
                            {"i": key}).scalar_one()
            c.execute(text("UPDATE evaluation_reports SET details_json = CAST(:d AS json) WHERE interview_id = :i"),
                      {"d": json.dumps({**doc, "details": [{"question": "q"}]}), "i": key})
        with pytest.raises(InputError) as bad:
            rec.report(shared[0]["id"])
        assert bad.value.code == "sync.bad_report" and "details.0" in bad.value.localized("en")
        with server_db.begin() as c:
            c.execute(text("UPDATE evaluation_reports SET details_json = CAST(:d AS json) WHERE interview_id = :i"),
                      {"d": json.dumps(doc), "i": key})
        # revoked on the desktop: the revocation travels in the next snapshot
        from core.services import sharing

        with transaction(session_factory(sqlite_engine)) as s:
            iv = s.scalars(select(Interview).where(Interview.uuid == uuid)).one()
            assert sharing.revoke(s, iv, "KAKAO")
            enqueue_interview(s, iv)
        assert Outbox(session_factory(sqlite_engine), mei).run_once().sent == 1
        assert rec.shared_interviews() == []
        # and through the API directly, after sharing again there
        mei.request("PUT", f"/interviews/{shared[0]['id']}/shares/KAKAO", json={"include_video": False})
        assert len(rec.shared_interviews()) == 1
        mei.revoke_share(shared[0]["id"], "KAKAO")
        assert rec.shared_interviews() == []
    finally:
        server.stop()


@pytest.mark.postgres
def test_live_interview_create_status_and_share_through_the_client(server_db):
    """The live-interview calls: create under the local uuid (idempotent), status, consent."""
    import uuid as uuidlib

    from sync.client.api import ServerRefused

    server = ServerProcess(server_db.url.render_as_string(hide_password=False)).start()
    try:
        mei = ServerClient(server.url)
        mei.login("mei", PASSWORD)
        local = str(uuidlib.uuid4())
        iv = mei.create_interview("Backend Engineer", company_id="KAKAO", language="ko", uuid=local)
        assert iv["uuid"] == local and iv["status"] == "scheduled" and iv["company_id"] == "KAKAO"
        assert mei.create_interview("Backend Engineer", uuid=local)["id"] == iv["id"]  # a resend: the same one
        assert mei.create_interview("Backend Engineer")["uuid"] != local
        assert mei.set_status(iv["id"], "live")["status"] == "live"
        with pytest.raises(ServerRefused) as err:
            mei.set_status(iv["id"], "scheduled")
        assert err.value.status == 409
        share = mei.grant_share(iv["id"], "KAKAO", include_video=True)
        assert share["company_id"] == "KAKAO" and share["include_video"] is True
        rec = ServerClient(server.url)
        rec.login("kakao_rec", PASSWORD)
        assert [i["uuid"] for i in rec.shared_interviews()] == [local]
        with pytest.raises(ServerRefused) as err:  # recruiters create no interviews (role check)
            rec.create_interview("x", uuid=local)
        assert err.value.status == 403
    finally:
        server.stop()
