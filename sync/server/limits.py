"""Limits enforced before any work: request-body size per route, at the ASGI layer.

:class:`BodyLimit` sits outside routing, authentication and parsing. A request whose
``Content-Length`` is over its route's limit is answered 413 without reading a byte of the
body; a body sent without a length (chunked) is counted as it streams and cut at the limit,
again with a 413, so no route ever holds more than its limit in memory. The limit of a
request is the first :class:`Rule` whose method and path pattern match; otherwise
``default``. Rules are built from :class:`~sync.server.settings.ServerSettings` by
:func:`rules_for`.

:class:`SecurityHeaders` adds the response headers every answer carries (nosniff, no
framing, no referrer, no caching of API answers).

Both are plain ASGI middleware: no per-request allocation beyond a closure, safe for any
number of concurrent requests.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Rule:
    method: str
    path: re.Pattern[str]
    limit: int
    what: str


def rules_for(settings, api: str = "/api/v1") -> list[Rule]:
    """Per-route limits: sync bundles, recording chunks, resumes; the rest is ``json_max``."""
    p = re.escape(api)
    return [
        Rule("POST", re.compile(rf"^{p}/sync/interviews/?$"), settings.sync_bundle_max, "a sync bundle"),
        Rule("PUT", re.compile(rf"^{p}/interviews/[^/]+/recordings/uploads/[^/]+/?$"),
             settings.upload_chunk_max, "a recording chunk"),
        # the PDF (20 MB) plus the multipart envelope
        Rule("POST", re.compile(rf"^{p}/resumes/?$"), 20 * MIB + 64 * KIB, "a resume upload"),
        Rule("POST", re.compile(rf"^{p}/auth/(token|login)/?$"), 64 * KIB, "a login form"),
        # an SDP offer may be 100,000 characters, each up to 12 bytes as JSON escapes
        Rule("POST", re.compile(rf"^{p}/interviews/[^/]+/webrtc/(offer|viewer)/?$"), 2 * MIB, "a WebRTC offer"),
    ]


class _TooLarge(Exception):
    pass


def _too_large(limit: int, what: str) -> bytes:
    return json.dumps({"detail": f"request body too large: {what} may be at most {limit} bytes"}).encode()


class BodyLimit:
    """ASGI middleware: 413 for a body over its route's limit, before the app reads it."""

    def __init__(self, app: ASGIApp, *, rules: list[Rule], default: int) -> None:
        self.app = app
        self.rules = rules
        self.default = default

    def _limit(self, scope: Scope) -> tuple[int, str]:
        method, path = scope.get("method", ""), scope.get("path", "")
        for rule in self.rules:
            if rule.method == method and rule.path.match(path):
                return rule.limit, rule.what
        return self.default, "a request"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = self._limit(scope)
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                break
        if declared is not None and (declared < 0 or declared > limit):
            await self._reject(send, limit, what, status=413 if declared >= 0 else 400)
            return

        received = 0
        state = {"cut": False, "started": False}

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    state["cut"] = True
                    raise _TooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            if state["cut"]:
                return  # the app's answer to a body we cut off; the 413 is ours
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BaseException:
            if not state["cut"]:
                raise
        if state["cut"] and not state["started"]:
            await self._reject(send, limit, what)

    @staticmethod
    async def _reject(send: Send, limit: int, what: str, status: int = 413) -> None:
        body = _too_large(limit, what) if status == 413 else b'{"detail":"malformed Content-Length"}'
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close"), *SECURITY_HEADERS]})
        await send({"type": "http.response.body", "body": body})


SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
]
_DOCS_CSP = (b"content-security-policy", b"default-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
                                         b"img-src 'self' data: https://fastapi.tiangolo.com; frame-ancestors 'none'")


class SecurityHeaders:
    """ASGI middleware: the security headers on every response (the docs page, when enabled,
    gets a content policy that lets it load its script)."""

    def __init__(self, app: ASGIApp, *, docs_path: str | None = None, hsts: bool = False) -> None:
        self.app = app
        self.docs_path = docs_path
        self.extra = [(b"strict-transport-security", b"max-age=31536000")] if hsts else []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = self.docs_path is not None and scope.get("path") == self.docs_path

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", ())}
                add = [h for h in SECURITY_HEADERS if h[0] not in present]
                if docs:
                    add = [h if h[0] != b"content-security-policy" else _DOCS_CSP for h in add]
                if b"cache-control" not in present:
                    add.append((b"cache-control", b"no-store"))
                message = {**message, "headers": [*message.get("headers", ()), *add, *self.extra]}
            await send(message)

        await self.app(scope, receive, with_headers)
