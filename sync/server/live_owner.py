"""Where the live streams live, and how every API process reaches them.

A WebRTC peer connection (aiortc) lives in the memory of one process, and a viewer's offer must
reach the process that holds the publisher's stream. With one API process that is the process
itself. With ``big20-server --workers N`` (N > 1) uvicorn hands each connection to whichever
worker accepts it, so one process owns every stream instead: the live-video owner
(``python -m sync.server.live_owner``, started, restarted and stopped by ``big20-server``), and
the API workers forward the signalling to it over a Unix socket in a private directory. The
routes use either through the same methods (``app.state.live``):

- :class:`LiveStreams`: the streams of this process (a :class:`~sync.server.live.LiveHub`) and
  the database checks their callbacks make with short sessions of their own: the publisher's
  video consent and the viewer's access re-checked every few seconds, the recording's row
  finished when the stream ends.
- :class:`LiveLink`: the same methods, forwarded to the owner process: one connection per call,
  one JSON line each way. :class:`LiveUnavailable` when the owner does not answer (the routes
  answer 503; the desktop then records locally and uploads later).

Who may publish or watch is decided by the API route before it forwards (the request's token,
the tenancy rule, the audit row); the owner trusts its socket, which only this user can reach.
Media (RTP over UDP) flows between the peers and the owner directly; the API workers carry only
the offers and answers, so any worker may answer any request of a stream (the publisher's offer,
a viewer's, the candidate's revocation), and a worker may die and be restarted mid-stream.

The owner is the only process that marks the recordings a stop interrupted (at its start): a
restarted API worker must not mark the streams being recorded now. It ends when big20-server
ends (SIGTERM, or its parent gone after a kill -9), finishing every recording first.
Threads: every coroutine runs on its process's event loop; database work runs in threads.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import sessionmaker

from core.db.session import make_engine, session_factory
from core.services import recordings
from sync.recording import RecordingStats, sha256_file
from sync.server.live import LiveHub, NotLive
from sync.server.schema import mark_interrupted_recordings, migrate_once
from sync.server.settings import ServerSettings

log = logging.getLogger(__name__)
LINE_MAX = 1 << 20  # one call or answer: a few kB of SDP (the API's body limit is below this)
CALL_TIMEOUT_S = 30.0  # an answer gathers ICE candidates: seconds with STUN/TURN servers
PARENT_CHECK_S = 1.0
_CALLS = ("is_live", "publish", "view")


class LiveUnavailable(Exception):
    """The live-video owner process did not answer (not running, restarting, overloaded)."""


class LiveStreams:
    """The live streams of this process. ``sessions`` opens the short sessions of the streams'
    callbacks, which outlive the request that started them."""

    def __init__(self, hub: LiveHub, sessions: sessionmaker) -> None:
        self.hub = hub
        self._sessions = sessions

    async def is_live(self, interview_id: str) -> bool:
        """Whether the interview (its public id) is being published now."""
        return self.hub.stream(interview_id) is not None

    async def publish(self, interview_id: str, *, interview_pk: int, recording_pk: int, recording_id: str,
                      path: str, fmt: str, offer: dict) -> dict:
        """Answer the candidate's offer (:meth:`LiveHub.publish`), recording to ``path``. The
        "recording" row ``recording_pk`` is finished when the stream ends; the stream ends when
        the interview (``interview_pk``) is no longer shared with video. ValueError: not a
        usable offer."""
        sessions = self._sessions

        def finish(stats: RecordingStats, video_t0: float | None) -> None:
            with sessions() as s:
                recordings.finish_live(s, recording_pk, frames=stats.frames, duration_s=stats.duration_s,
                                       size=stats.size, offset_s=video_t0,
                                       sha256=sha256_file(stats.path) if stats.path.exists() else None)

        def consent_kept() -> bool:
            with sessions() as s:
                return recordings.video_consent(s, interview_pk)

        async def on_finish(stats: RecordingStats, video_t0: float | None) -> None:
            await asyncio.to_thread(finish, stats, video_t0)

        async def still_allowed() -> bool:
            return await asyncio.to_thread(consent_kept)

        return await self.hub.publish(interview_id, recording_id, Path(path), offer, on_finish=on_finish,
                                      still_allowed=still_allowed, fmt=fmt)

    async def view(self, interview_id: str, *, viewer_id: int, offer: dict) -> dict:
        """Answer a viewer's offer (:meth:`LiveHub.view`; NotLive, ValueError). The route has
        checked and logged the access; it is asked again every few seconds while the view
        lasts (a revoked consent or a disabled viewer ends it)."""
        sessions = self._sessions

        def may_watch() -> bool:
            with sessions() as s:
                return recordings.may_still_watch(s, viewer_id, interview_id)

        async def still_allowed() -> bool:
            return await asyncio.to_thread(may_watch)

        return await self.hub.view(interview_id, viewer_id, offer, still_allowed=still_allowed)

    async def close(self) -> None:
        """Finish every recording and close every peer (the process is stopping)."""
        await self.hub.close()


class LiveLink:
    """:class:`LiveStreams`'s methods, run in the live-video owner process (an API worker's
    ``app.state.live`` when several serve). Errors come back as they were raised there
    (NotLive, ValueError for an unusable offer); anything else is LiveUnavailable."""

    def __init__(self, socket_path: str, *, timeout_s: float = CALL_TIMEOUT_S) -> None:
        self.socket_path = socket_path
        self.timeout_s = timeout_s

    async def is_live(self, interview_id: str) -> bool:
        return bool(await self._call("is_live", interview_id=interview_id))

    async def publish(self, interview_id: str, **kwargs: Any) -> dict:
        return await self._call("publish", interview_id=interview_id, **kwargs)

    async def view(self, interview_id: str, **kwargs: Any) -> dict:
        return await self._call("view", interview_id=interview_id, **kwargs)

    async def close(self) -> None:
        """Nothing: the streams are the owner's, finished when big20-server stops it."""

    async def _call(self, call: str, **args: Any) -> Any:
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_unix_connection(self.socket_path, limit=LINE_MAX), self.timeout_s)
        except (OSError, TimeoutError) as exc:
            raise LiveUnavailable(f"the live-video owner is not reachable ({exc!r})") from exc
        try:
            writer.write(json.dumps({"call": call, "args": args}).encode() + b"\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), self.timeout_s)
        except (OSError, TimeoutError, ValueError) as exc:  # ValueError: a line over LINE_MAX
            raise LiveUnavailable(f"the live-video owner did not answer ({exc!r})") from exc
        finally:
            writer.close()
        try:
            reply = json.loads(line)
        except ValueError:
            reply = {}
        if "result" in reply:
            return reply["result"]
        error = reply.get("error")
        if error == "not_live":
            raise NotLive(args.get("interview_id"))
        if error == "bad_offer":
            raise ValueError(reply.get("message", "not a usable offer"))
        raise LiveUnavailable(f"the live-video owner failed: {reply.get('message', 'no answer')}")


# ----------------------------------------------------------------------------- the owner process
async def _answer(streams: LiveStreams, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """One call from an API worker: ``{"call", "args"}`` in, ``{"result"}`` or ``{"error",
    "message"}`` out, one JSON line each."""
    try:
        line = await reader.readline()
        if not line:  # a readiness probe
            return
        try:
            request = json.loads(line)
            call, args = request["call"], dict(request["args"])
            if call not in _CALLS:
                raise KeyError(call)
        except (ValueError, KeyError, TypeError):
            reply: dict[str, Any] = {"error": "failed", "message": "not a call"}
        else:
            try:
                reply = {"result": await getattr(streams, call)(**args)}
            except NotLive:
                reply = {"error": "not_live"}
            except ValueError as exc:  # aiortc refused the offer
                reply = {"error": "bad_offer", "message": str(exc)[:300]}
            except Exception as exc:  # the worker answers 503; the cause is logged here
                log.exception("live call %s failed", call)
                reply = {"error": "failed", "message": type(exc).__name__}
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
    except (OSError, ValueError):  # the worker went away, or sent a line over LINE_MAX
        pass
    finally:
        writer.close()


async def _parent_gone(parent_pid: int, stop: asyncio.Event) -> None:
    """big20-server killed with -9 never stops us: its pid as our parent is the sign."""
    while not stop.is_set():
        if os.getppid() != parent_pid:
            log.warning("big20-server (pid %s) is gone; the live-video owner stops", parent_pid)
            stop.set()
            return
        await asyncio.sleep(PARENT_CHECK_S)


async def serve(settings: ServerSettings, socket_path: str, *, parent_pid: int | None = None) -> None:
    """Own the live streams and answer the API workers on ``socket_path`` until SIGTERM/SIGINT
    (or until ``parent_pid`` is no longer our parent); then finish every recording."""
    pool = {"pool_size": 4, "max_overflow": 16} if settings.database_url.startswith("postgresql") else {}
    engine = make_engine(settings.database_url, **pool, **settings.engine_args())
    sessions = session_factory(engine)
    # the owner may start before any API process: the schema first (once, under its lock)
    await asyncio.to_thread(migrate_once, engine, sessions)
    await asyncio.to_thread(mark_interrupted_recordings, sessions)
    streams = LiveStreams(LiveHub(ice_servers=settings.ice_servers, ice_addresses=settings.ice_addresses), sessions)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = await asyncio.start_unix_server(partial(_answer, streams), path=socket_path, limit=LINE_MAX)
    watch = loop.create_task(_parent_gone(parent_pid, stop)) if parent_pid else None
    log.info("live-video owner (pid %s) serving on %s", os.getpid(), socket_path)
    try:
        await stop.wait()
    finally:
        server.close()
        if watch is not None:
            watch.cancel()
        await streams.close()
        await asyncio.to_thread(engine.dispose)
        Path(socket_path).unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m sync.server.live_owner",
                                description="the live-video owner of a multi-process big20-server")
    p.add_argument("--socket", required=True, help="the Unix socket the API workers call")
    p.add_argument("--parent", type=int, default=None, help="stop when this process is no longer the parent")
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s[%(process)d]: %(message)s")
    asyncio.run(serve(ServerSettings.from_env(), args.socket, parent_pid=args.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
