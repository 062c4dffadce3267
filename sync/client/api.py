"""The desktop's REST client for the central server (candidate push, recruiter review).

Security rules, enforced before any request leaves the machine:

- ``https://`` is required unless the host is loopback (127.0.0.0/8, ::1, localhost) or the
  user explicitly allowed plain HTTP (``allow_insecure=True``); otherwise InputError
  ``sync.insecure_url`` (nothing is sent);
- certificates are verified (``verify=True``: the system store; a path: a CA bundle, e.g. a
  company's own CA); a failed verification is ``sync.tls_failed`` and is never retried
  unverified.

Tokens: the refresh token lives in the OS keyring (:class:`core.secrets.SecretStore`,
``server_refresh_token``), the access token in memory only. A 401 refreshes once (rotating
the refresh token); if that fails too, the stored token is cleared and
:class:`LoginRequired` asks the user to log in again (Anki's sync does the same).

Errors: :class:`ServerUnreachable` for network failures and 5xx/429 answers (retry later),
:class:`ServerRefused` for other 4xx (the request itself is wrong: do not retry as is).
Threading: safe to share between threads (the desktop's jobs run on a pool): httpx.Client is
thread-safe and the token state is guarded by a lock, so one expired access token is
refreshed once even when several requests meet the 401 together.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import ssl
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from core.errors import Big20Error, InputError
from core.report.model import Report
from core.secrets import SecretStore

log = logging.getLogger(__name__)
REFRESH_SECRET = "server_refresh_token"


class LoginRequired(Big20Error):
    code = "sync.login_required"


class ServerUnreachable(Big20Error):
    """Network error, timeout, 5xx or 429: worth retrying later."""

    code = "sync.unreachable"


# one object of the server's JSON answers (its shape: sync.server.schemas)
JsonObject = dict[str, Any]

def _detail_text(detail: object) -> str:
    """The server's ``detail``: a sentence, or FastAPI's 422 list of {loc, msg} read as one."""
    if isinstance(detail, list):
        return "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return str(detail)


class ServerRefused(Big20Error):
    """A 4xx other than 401/408/429: the server will refuse this request again."""

    code = "sync.refused"

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(status=status, detail=detail[:300])


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(base_url: str, *, allow_insecure: bool = False) -> str:
    """The normalised base URL (no trailing slash), or InputError for a URL we must not use."""
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError("sync.bad_url", url=base_url)
    if parts.scheme == "http" and not allow_insecure and not is_loopback(parts.hostname):
        raise InputError("sync.insecure_url", url=base_url)
    return base_url.strip().rstrip("/")


class ServerClient:
    """``base_url``: the server root (``https://host:port``); ``/api/v1`` is added here."""

    def __init__(self, base_url: str, *, secrets: SecretStore | None = None, allow_insecure: bool = False,
                 verify: bool | str = True, timeout: float = 30.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = check_url(base_url, allow_insecure=allow_insecure)
        self.secrets = secrets or SecretStore()
        self._access: str | None = None
        self._lock = threading.RLock()
        if isinstance(verify, str):  # a CA bundle: trusted in addition to nothing else
            verify = ssl.create_default_context(cafile=verify)
        self._http = httpx.Client(base_url=self.base_url + "/api/v1", verify=verify, timeout=timeout,
                                  transport=transport)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "ServerClient":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ transport
    def _send(self, method: str, path: str, *, auth: bool, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", {}) or {})
        if auth and token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            return self._http.request(method, path, headers=headers, **kw)
        except httpx.ConnectError as exc:
            if "CERTIFICATE_VERIFY_FAILED" in str(exc) or "certificate verify failed" in str(exc):
                raise InputError("sync.tls_failed", url=self.base_url, reason=str(exc)[:200]) from exc
            raise ServerUnreachable(url=self.base_url, reason=type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise ServerUnreachable(url=self.base_url, reason=type(exc).__name__) from exc

    @staticmethod
    def _check(r: httpx.Response) -> httpx.Response:
        if r.status_code >= 500 or r.status_code in (408, 429):
            raise ServerUnreachable(url=str(r.request.url), reason=f"HTTP {r.status_code}")
        if r.status_code >= 400:
            try:
                detail = r.json().get("detail")
            except ValueError:
                detail = r.text
            raise ServerRefused(r.status_code, _detail_text(detail))
        return r

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """An authenticated request; refreshes once on 401, then LoginRequired."""
        with self._lock:
            if self._access is None:
                self._refresh()
            token = self._access
        r = self._send(method, path, auth=True, token=token, **kw)
        if r.status_code == 401:
            with self._lock:
                if self._access == token:  # nobody refreshed meanwhile
                    self._refresh()
                token = self._access
            r = self._send(method, path, auth=True, token=token, **kw)
            if r.status_code == 401:
                self._forget()
                raise LoginRequired()
        return self._check(r)

    # ------------------------------------------------------------------ session
    def _store(self, body: JsonObject) -> None:
        with self._lock:
            self._access = body["access_token"]
            self.secrets.set(REFRESH_SECRET, body["refresh_token"])

    def _forget(self) -> None:
        with self._lock:
            self._access = None
            self.secrets.delete(REFRESH_SECRET)

    def _refresh(self) -> None:
        token = self.secrets.get(REFRESH_SECRET)
        if not token:
            raise LoginRequired()
        r = self._send("POST", "/auth/refresh", auth=False, json={"refresh_token": token})
        if r.status_code == 401:
            self._forget()
            raise LoginRequired()
        self._store(self._check(r).json())

    @property
    def logged_in(self) -> bool:
        return self._access is not None or bool(self.secrets.get(REFRESH_SECRET))

    def login(self, username: str, password: str) -> JsonObject:
        """Log in (OAuth2 password flow); returns the user. Wrong password: ServerRefused(401)."""
        r = self._send("POST", "/auth/token", auth=False, data={"username": username, "password": password})
        if r.status_code == 401:
            raise ServerRefused(401, "wrong login or password")
        self._store(self._check(r).json())
        return self.me()

    def logout(self) -> None:
        token = self.secrets.get(REFRESH_SECRET)
        if token:
            try:
                self._send("POST", "/auth/logout", auth=False, json={"refresh_token": token})
            except ServerUnreachable:
                log.info("server unreachable at logout; the local token is removed anyway")
        self._forget()

    # ------------------------------------------------------------------ API
    def me(self) -> JsonObject:
        return self.request("GET", "/users/me").json()

    def push_interview(self, bundle: JsonObject, idempotency_key: str) -> JsonObject:
        return self.request("POST", "/sync/interviews", json=bundle,
                            headers={"Idempotency-Key": idempotency_key}).json()

    def interview_state(self, uuid: str) -> JsonObject | None:
        try:
            return self.request("GET", f"/sync/interviews/{uuid}").json()
        except ServerRefused as exc:
            if exc.status == 404:
                return None
            raise

    def create_interview(self, position: str, *, company_id: str | None = None, language: str = "ko",
                         uuid: str | None = None) -> JsonObject:
        """A scheduled interview on the server. With ``uuid`` (the local interview's) it is
        idempotent: the existing one of that uuid is returned unchanged (HTTP 200, not 201)."""
        body: JsonObject = {"position": position, "company_id": company_id, "language": language}
        if uuid is not None:
            body["uuid"] = uuid
        return self.request("POST", "/interviews", json=body).json()

    def set_status(self, interview_id: str, status: str) -> JsonObject:
        """Move the interview (live, completed, cancelled); ServerRefused(409) if not allowed."""
        return self.request("POST", f"/interviews/{interview_id}/status", json={"status": status}).json()

    def grant_share(self, interview_id: str, company_id: str, *, include_video: bool = False) -> JsonObject:
        """Consent: ``company_id``'s recruiters may read the interview (and its video if asked)."""
        return self.request("PUT", f"/interviews/{interview_id}/shares/{company_id}",
                            json={"include_video": include_video}).json()

    def shares(self, interview_id: str) -> list[JsonObject]:
        """The interview's consents as the server holds them (candidate)."""
        return self.request("GET", f"/interviews/{interview_id}/shares").json()

    def list_interviews(self, **params: Any) -> list[JsonObject]:
        return self.request("GET", "/interviews", params=params).json()

    def shared_interviews(self, *, position: str | None = None, status: str | None = None,
                          min_score: float | None = None, sort: str = "created",
                          limit: int | None = None) -> list[JsonObject]:
        """Recruiter: interviews shared with your company now (with ``candidate_name``)."""
        params = {k: v for k, v in {"position": position, "status": status, "min_score": min_score,
                                    "sort": sort, "limit": limit}.items() if v is not None}
        return self.request("GET", "/recruiter/interviews", params=params).json()

    def report(self, interview_id: str) -> JsonObject:
        """The interview's report as the server serves it (ReportOut: the stored report plus
        ``interview_id``, ``recruiter_notes`` and ``server_evaluations``), checked against
        :class:`core.report.model.Report`, the model the desktop's report screens and exporters
        read; raises InputError ``sync.bad_report`` naming where when it is not a report."""
        doc: JsonObject = self.request("GET", f"/interviews/{interview_id}/report").json()
        problem = Report.problem(doc)
        if problem is not None:
            raise InputError("sync.bad_report", where=problem)
        return doc

    def transcripts(self, interview_id: str) -> list[JsonObject]:
        return self.request("GET", f"/interviews/{interview_id}/transcripts").json()

    def search(self, query: str, limit: int = 10) -> list[JsonObject]:
        return self.request("GET", "/recruiter/search", params={"q": query, "limit": limit}).json()

    def add_note(self, interview_id: str, note: str, *, detail_index: int | None = None,
                 score_override: float | None = None) -> JsonObject:
        return self.request("POST", f"/interviews/{interview_id}/notes",
                            json={"note": note, "detail_index": detail_index,
                                  "score_override": score_override}).json()

    def notes(self, interview_id: str) -> list[JsonObject]:
        return self.request("GET", f"/interviews/{interview_id}/notes").json()

    def access_log(self, interview_id: str) -> list[JsonObject]:
        return self.request("GET", f"/interviews/{interview_id}/access-log").json()

    def revoke_share(self, interview_id: str, company_id: str) -> None:
        self.request("DELETE", f"/interviews/{interview_id}/shares/{company_id}")

    def server_evaluations(self, interview_id: str) -> list[JsonObject]:
        """The server's own re-scoring of each answer (beside the desktop's score)."""
        return self.request("GET", f"/interviews/{interview_id}/server-evaluations").json()

    def companies(self) -> list[JsonObject]:
        return self.request("GET", "/companies").json()

    # ------------------------------------------------------------------ live video, recordings
    def webrtc_offer(self, interview_id: str, offer: dict[str, str], *, viewer: bool = False) -> JsonObject:
        """Send a WebRTC offer; the server's answer (sdp, type, recording_id). Publishing is the
        candidate's (``viewer`` False); watching a recruiter's (``viewer`` True)."""
        path = f"/interviews/{interview_id}/webrtc/{'viewer' if viewer else 'offer'}"
        return self.request("POST", path, json={"sdp": offer["sdp"], "type": offer["type"]}).json()

    def recordings(self, interview_id: str) -> list[JsonObject]:
        return self.request("GET", f"/interviews/{interview_id}/recordings").json()

    def download_recording(self, interview_id: str, recording_id: str, dest: Path | str, *,
                           sha256: str | None = None, cancel: Any = None, chunk: int = 1 << 20) -> Path:
        """Stream one recording's file to ``dest`` (written as ``dest.part``, renamed when
        complete and, given ``sha256``, checked). ``cancel``: a token with
        ``raise_if_cancelled()``, checked between chunks. Refreshes once on 401, then
        LoginRequired. Blocking: call it off the UI thread."""
        dest = Path(dest)
        part = dest.with_name(dest.name + ".part")
        path = f"/interviews/{interview_id}/recordings/{recording_id}/file"
        with self._lock:
            if self._access is None:
                self._refresh()
            token = self._access
        try:
            for attempt in (0, 1):
                digest = hashlib.sha256()
                with self._http.stream("GET", path, headers={"Authorization": f"Bearer {token}"}) as r:
                    if r.status_code == 401:
                        if attempt:
                            self._forget()
                            raise LoginRequired()
                        with self._lock:
                            if self._access == token:
                                self._refresh()
                            token = self._access
                        continue
                    if r.status_code >= 400:
                        r.read()
                        self._check(r)
                    with open(part, "wb") as f:
                        for data in r.iter_bytes(chunk):
                            if cancel is not None:
                                cancel.raise_if_cancelled()
                            f.write(data)
                            digest.update(data)
                break
        except httpx.TransportError as exc:
            part.unlink(missing_ok=True)
            raise ServerUnreachable(url=self.base_url, reason=type(exc).__name__) from exc
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        if sha256 and digest.hexdigest() != sha256:
            part.unlink(missing_ok=True)  # a damaged transfer: the next open downloads it again
            raise ServerUnreachable(url=self.base_url, reason="checksum mismatch")
        part.replace(dest)
        return dest

    def start_upload(self, interview_id: str, *, size: int, sha256: str, mime: str,
                     offset_s: float | None = None) -> JsonObject:
        return self.request("POST", f"/interviews/{interview_id}/recordings/uploads",
                            json={"size": size, "sha256": sha256, "mime": mime, "offset_s": offset_s}).json()

    def upload_state(self, interview_id: str, upload_id: str) -> JsonObject:
        return self.request("GET", f"/interviews/{interview_id}/recordings/uploads/{upload_id}").json()

    def upload_chunk(self, interview_id: str, upload_id: str, offset: int, data: bytes, sha256: str) -> JsonObject:
        return self.request("PUT", f"/interviews/{interview_id}/recordings/uploads/{upload_id}",
                            params={"offset": offset}, content=data,
                            headers={"X-Chunk-SHA256": sha256, "Content-Type": "application/octet-stream"}).json()
