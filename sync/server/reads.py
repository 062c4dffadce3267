"""The hot read (``GET /interviews/{id}/report``) run on the event loop, without a thread.

On PostgreSQL a report read is one statement (:func:`core.services.sharing.report_read_query`:
the token's user and session, the read rule, a recruiter's audit row and the answer's bytes).
Run through the request's ORM session it cost a hop to the threadpool and back, a session, the
session dependency's set-up and tear-down and a pool checkout with its ping (py-spy --gil: a
quarter of the read's Python time); here it runs on a few autocommit psycopg connections of
the process's event loop (:class:`ReportReads`), prepared by psycopg after their fifth use, the
answer fetched in binary (the bytes as PostgreSQL built them, not hex), the report's part that
is the same for every reader kept between reads and sent again only when it changed. On other databases
(SQLite in development) :class:`ThreadedReportReads` reads through the ORM in the threadpool.

Both answer ``(claims, interview_uuid)`` with a :class:`~core.services.sharing.ReportRead`-like
outcome: bytes (the answer), a dict (the ORM path's report, shaped by the route), None (no
report yet); they raise NotFound (not the user's to read) and the 401 HTTPException (the user
disabled or gone, the session ended). One object per process, made and closed by ``create_app``'s
lifespan; coroutines on that event loop only.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

import psycopg
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from core.services import sharing
from sync.server.deps import unauthorized, user_of

log = logging.getLogger(__name__)
# per API process (one per core): PostgreSQL shares the cores, and more connections only make
# it switch between more reads. Measured (bench A/B, 50 clients, 2 processes, 3 runs each):
# p95 of a report read 60 ms with 2, 70 ms with 4, 81-98 ms with 8, 129 ms with 16; reads/s
# 1227, 1337, 1480, 1315.
READ_CONNECTIONS = 4


class ConnectionPool:
    """At most ``size`` autocommit psycopg connections, opened on first need and kept; a
    connection that fails is dropped (and a statement that failed on a kept connection, which
    may have gone stale while idle, runs once more on a new one). Event loop only."""

    def __init__(self, url: str, *, size: int = READ_CONNECTIONS, connect_args: dict[str, Any] | None = None) -> None:
        self.conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.connect_args = dict(connect_args or {})
        self._idle: list[psycopg.AsyncConnection] = []
        self._slots = asyncio.Semaphore(size)
        self._closed = False

    async def _connect(self) -> psycopg.AsyncConnection:
        return await psycopg.AsyncConnection.connect(self.conninfo, autocommit=True, **self.connect_args)

    async def fetchone(self, sql: str, params: dict[str, Any], *, binary: bool = False) -> tuple | None:
        """The first row of ``sql`` (psycopg's ``%(name)s`` parameters), in its own transaction."""
        async with self._slots:
            conn = self._idle.pop() if self._idle else None
            for attempt in (0, 1):
                reused = conn is not None
                if conn is None:
                    conn = await self._connect()
                try:
                    cur = conn.cursor(binary=binary)
                    await cur.execute(sql, params)
                    row = await cur.fetchone()
                except psycopg.OperationalError:
                    await _drop(conn)
                    conn = None
                    if attempt or not reused:
                        raise
                    log.info("a kept read connection failed; the statement runs again on a new one")
                    continue
                except psycopg.Error:  # the statement failed, the connection (autocommit) is fine
                    self._keep(conn)
                    raise
                except BaseException:  # cancelled mid-statement: the connection's state is unknown
                    await _drop(conn)
                    raise
                self._keep(conn)
                return row
        raise AssertionError("unreachable")

    def _keep(self, conn: psycopg.AsyncConnection) -> None:
        if self._closed or conn.closed:
            asyncio.get_running_loop().create_task(_drop(conn))
        else:
            self._idle.append(conn)

    async def close(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for conn in idle:
            await _drop(conn)


async def _drop(conn: psycopg.AsyncConnection) -> None:
    try:
        await conn.close()
    except Exception:  # closing a broken connection may fail too; it is gone either way
        log.debug("closing a read connection failed", exc_info=True)


class ReportReads:
    """Report reads on PostgreSQL, one statement on the event loop's own connections.

    Their connections keep PostgreSQL's own plan cache mode: the request pool's
    ``plan_cache_mode=force_custom_plan`` (sync.server.settings, for the HNSW searches) made
    PostgreSQL plan this statement on every read; with the generic plan of the prepared
    statement a read cost its backend 0.80 ms of CPU instead of 1.43 ms (measured, 300 reads).

    The part of a report that is the same for every reader is kept per interview (the newest
    ``keep`` interviews read, ~50 kB each) with its version; the statement, which still checks
    the reader, the rule and writes the audit row on every read, sends that part again only
    when the stored report changed (core.services.sharing.ReportPart)."""

    def __init__(self, url: str, connect_args: dict[str, Any] | None = None, *, keep: int = 256) -> None:
        self.pool = ConnectionPool(url, connect_args=connect_args)
        self.keep = keep
        self._kept: OrderedDict[str, sharing.ReportPart] = OrderedDict()

    async def report(self, claims: tuple[int, str], interview_uuid: str) -> bytes | None:
        kept = self._kept.get(interview_uuid)
        sql, params = sharing.report_read_query(claims[0], claims[1], interview_uuid, kept)
        row = await self.pool.fetchone(sql, params, binary=True)
        got, part = sharing.report_read_result(row, interview_uuid, kept)
        if not got.authenticated:
            raise unauthorized()
        if part is None:
            self._kept.pop(interview_uuid, None)
        else:
            self._kept[interview_uuid] = part
            self._kept.move_to_end(interview_uuid)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
        return got.body

    async def close(self) -> None:
        await self.pool.close()


class ThreadedReportReads:
    """Report reads on any database: the ORM in the threadpool, on a session of its own."""

    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    async def report(self, claims: tuple[int, str], interview_uuid: str) -> dict | None:
        def read() -> dict | None:
            with self.sessions() as session:
                user = user_of(session, claims)
                done = sharing.read_report(session, user, interview_uuid)
                session.commit()
                return done

        return await run_in_threadpool(read)

    async def close(self) -> None:
        """Nothing to close: the sessions are the app's."""
