"""Sharing the interview live with its company: the candidate's choice on the new-interview
screen ("share live, video included"), carried out on the live screen.

- The interview gets its uuid now (``uuid``, put into the session's setup before the start)
  and the consent, video included, is stored with it (core ``InterviewSetup.share_video_with``),
  so the server's live copy and the later sync are one record and the report screen shows
  it as shared.
- One capture, fanned out: :meth:`LiveShare.microphone` wraps the microphone the interview
  worker starts, :meth:`LiveShare.camera` the camera the vision worker reads; once the camera
  is open, :meth:`LiveShare.begin` starts publishing. The publisher only subscribes (never
  opens a device).
- Publishing (:class:`sync.client.webrtc_publisher.LivePublisher` on the network loop): each
  connection first makes sure the interview exists on the server (``POST /interviews`` with
  the uuid: idempotent), is shared with the company with video (the first time only: a
  consent withdrawn meanwhile is never granted again behind the candidate's back) and is
  live; then the offer. Unreachable or lost: recorded on this computer, reconnected later.
- Questions and captions (interim ones at most every 0.3 s) go over the data channel: the
  recruiter's live view shows them in step with the video. How many recruiters watch comes
  back and is shown to the candidate.
- :meth:`LiveShare.finish`: the stream ends; then, on the database lane, each local segment
  is queued for upload (``enqueue_recording``) and, for a completed interview, its snapshot
  (``enqueue_interview``); the outbox is pushed. A cancelled interview: the server's copy is
  marked cancelled and the local segments are deleted (nothing of it will be shared). Consent
  withdrawn while live (``revoked``): the local segments are deleted too.

``state`` (str, str) reaches the UI thread: "connecting", "live", "local" (why), "revoked",
"ended", "unavailable" (no camera: nothing to publish). ``done`` is True once the end's
queueing is over.

Threading: construct and call on the UI thread, except :meth:`camera` and :meth:`begin`
(the camera-opening helper thread); the publisher runs on the network loop; its state callbacks are re-emitted
as queued signals.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid as uuidlib
from collections import deque
from concurrent.futures import Future
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from core.db.models import Interview, InterviewStatus
from core.errors import Big20Error
from core.paths import app_paths
from core.protocols import CameraSource, MicrophoneSource
from core.services import sharing
from core.tasks import CancelToken, ProgressCallback
from desktop.context import AppContext
from desktop.services.outbox import push_outbox
from desktop.workers.jobs import Op
from desktop.workers.net_loop import net_loop
from engines.capture.fanout import FanoutCamera, FanoutMicrophone
from sync.client.api import ServerClient
from sync.client.ice import ice_for
from sync.client.outbox import enqueue_interview
from sync.client.recording_upload import enqueue_recording
from sync.client.webrtc_publisher import LivePublisher, PublishOutcome

log = logging.getLogger(__name__)
INTERIM_EVERY_S = 0.3


class LiveShare(QObject):
    state = Signal(str, str)
    _stopped = Signal(object, bool, object)  # PublishOutcome | exception, completed, local interview id

    def __init__(self, ctx: AppContext, *, company_id: str, position: str, language: str, parent: QObject,
                 view: QWidget) -> None:
        super().__init__(parent)
        self.view = view  # the live screen's: it owns the end's jobs
        assert ctx.server is not None, "shared live only with a server account (the live screen checks)"
        self.ctx = ctx
        self.client: ServerClient = ctx.server
        self.company_id = company_id
        self.position = position
        self.language = language
        self.uuid = str(uuidlib.uuid4())
        self.server_interview_id: str | None = None
        self._granted = False
        self.publisher: LivePublisher | None = None
        self._future: Future[bool] | None = None  # the publisher's start on the network loop
        self.outcome: PublishOutcome | None = None
        self.queued: list[int] = []  # outbox rows of this interview (recordings, snapshot)
        self.done = False
        self._finishing = False
        self.fan_mic: FanoutMicrophone | None = None
        self.fan_camera: FanoutCamera | None = None
        self._lock = threading.Lock()  # publisher / _early: the camera thread and the UI thread
        self._early: deque[Callable[[LivePublisher], None]] = deque(maxlen=50)  # questions and captions before the publisher exists
        self._interim_at = 0.0
        self.clock: Callable[[], float] | None = None  # the interview's clock (the worker's ``now``), for the video's timestamps
        self._stopped.connect(self._after_stop)

    # ------------------------------------------------------------------ devices
    def microphone(self, mic: MicrophoneSource | None) -> FanoutMicrophone | None:
        """``mic`` fanned out (UI thread, before the interview worker starts it)."""
        self.fan_mic = FanoutMicrophone(mic) if mic is not None else None
        return self.fan_mic

    def camera(self, source: CameraSource) -> FanoutCamera:
        """``source`` fanned out (the camera-opening thread, before the vision worker opens it)."""
        self.fan_camera = FanoutCamera(source)
        return self.fan_camera

    def begin(self) -> None:
        """The camera is open: start publishing (any thread; the work is on the network loop)."""
        if self.fan_camera is None:
            return
        try:
            self._start(self.fan_camera)
        except Big20Error as exc:  # a malformed BIG20_RTC_ICE_SERVERS: say so, the interview goes on
            log.warning("live sharing not started: %s", exc)
            self.state.emit("unavailable", exc.localized(self.language))

    def no_camera(self) -> None:
        """The camera did not open: no video to share (the server needs one)."""
        self.state.emit("unavailable", "")

    # ------------------------------------------------------------------ publishing
    def _prepare(self) -> str:
        """The interview on the server, shared with video and live (network loop's executor)."""
        c = self.client
        iv = c.create_interview(self.position, company_id=self.company_id, language=self.language, uuid=self.uuid)
        if not self._granted:
            c.grant_share(iv["id"], self.company_id, include_video=True)
            self._granted = True
        if iv.get("status") == "scheduled":
            c.set_status(iv["id"], "live")
        self.server_interview_id = iv["id"]
        return iv["id"]

    def _start(self, camera: FanoutCamera) -> None:
        servers, addresses = ice_for(self.client.base_url)
        publisher = LivePublisher(
            self.client, camera=camera, microphone=self.fan_mic, local_dir=self.recordings_dir(),
            ice_servers=servers, ice_addresses=addresses, prepare=self._prepare, clock=self.clock,
            on_state=lambda st, detail: self.state.emit(st, detail or ""))
        with self._lock:
            if self._finishing:  # the interview ended while the camera was opening
                return
            self.publisher = publisher
            self._future = net_loop().submit(publisher.start())
            early: deque[Callable[[LivePublisher], None]] = self._early
            self._early = deque(maxlen=50)
        for send in early:  # the publisher holds them until its channel opens
            send(publisher)

    def recordings_dir(self) -> Path:
        if self.ctx.recordings_dir is not None:
            return Path(self.ctx.recordings_dir)

        return app_paths().media_dir / "recordings"

    def question(self, index: int, total: int, text: str) -> None:
        self._to_publisher(lambda p: p.send_event("question", index=index, total=total, text=text))

    def caption(self, text: str, t: float, *, final: bool = True) -> None:
        """A caption for the recruiters; interim ones (``final`` False) at most every
        :data:`INTERIM_EVERY_S` (the recognizer revises them many times a second)."""
        text = text.strip()
        if not text:
            return
        now = time.monotonic()
        if not final:
            if now - self._interim_at < INTERIM_EVERY_S:
                return
            self._interim_at = now
        self._to_publisher(lambda p: p.send_caption(text, t, final=final))

    def _to_publisher(self, send: Callable[[LivePublisher], None]) -> None:
        # the first question is asked before the camera is open (no publisher yet): kept for it
        with self._lock:
            if self.publisher is None:
                self._early.append(send)
                return
            publisher = self.publisher
        send(publisher)

    # ------------------------------------------------------------------ the end
    def finish(self, *, completed: bool, interview_id: int | None) -> None:
        """End the stream; queue what was recorded locally (and the snapshot when completed).
        Returns at once; ``done`` is set once all is queued."""
        with self._lock:
            if self._finishing:
                return
            self._finishing = True
            publisher, start, client = self.publisher, self._future, self.client
        if publisher is None:
            self._stopped.emit(None, completed, interview_id)
            return

        async def stop():
            if start is not None:
                try:
                    await asyncio.wrap_future(start)  # a start still connecting ends first
                except Exception:  # noqa: BLE001 - it failed: the publisher records locally
                    log.exception("live share start failed")
            outcome = await publisher.stop()
            if not completed and self.server_interview_id is not None:
                try:
                    await asyncio.get_running_loop().run_in_executor(
                        None, client.set_status, self.server_interview_id, "cancelled")
                except Exception as exc:  # noqa: BLE001 - offline: the server's copy stays, unshared content
                    log.info("could not mark the server's copy cancelled: %s", exc)
            return outcome

        fut = net_loop().submit(stop())
        fut.add_done_callback(lambda f: self._stopped.emit(
            f.exception() if f.exception() is not None else f.result(), completed, interview_id))

    def _after_stop(self, outcome: PublishOutcome | BaseException | None, completed: bool,
                    interview_id: int | None) -> None:
        if isinstance(outcome, BaseException):
            log.warning("live share did not end cleanly: %s", outcome)
            outcome = None
        self.outcome = outcome
        segments = list(outcome.local_segments) if outcome is not None else []
        revoked = outcome is not None and outcome.revoked
        sessions, uuid, server_id, company = self.ctx.sessions, self.uuid, self.server_interview_id, self.company_id

        def work(progress: ProgressCallback, cancel: CancelToken) -> list[int]:
            queued: list[int] = []
            if revoked or not completed:
                for seg in segments:  # made only to be shared; nothing of it will be
                    Path(seg.stats.path).unlink(missing_ok=True)
                segments.clear()
            with sessions() as s:
                iv = s.get(Interview, interview_id) if interview_id is not None else None
                if iv is None or iv.status is not InterviewStatus.completed:
                    return queued
                if revoked:  # withdrawn elsewhere: this computer agrees, the snapshot says so
                    sharing.revoke(s, iv, company)
                # the snapshot first: an upload finds the interview by uuid when it never reached the server
                queued.append(enqueue_interview(s, iv).id)
                for seg in segments:
                    if seg.stats.frames:
                        queued.append(enqueue_recording(s, interview_uuid=uuid, path=seg.stats.path,
                                                        mime=seg.stats.mime, server_interview_id=server_id,
                                                        offset_s=seg.offset_s).id)
                s.commit()
            return queued

        def done(queued) -> None:
            self.queued = queued or []
            self.done = True
            if self.queued:
                push_outbox(self.ctx, self.view)

        def failed(exc: BaseException) -> None:
            log.error("could not queue the shared interview: %s", exc)
            self.done = True

        Op(self.view, work, done).failure(failed).on_db_lane().run_in_background()
