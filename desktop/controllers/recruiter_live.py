"""The recruiter's live view: one interview's stream (video), the question on screen and the
live captions from the data channel beside it.

The viewer (:class:`sync.client.webrtc_viewer.LiveViewer`) runs on the desktop's network loop
(:func:`desktop.workers.net_loop.net_loop`, its own thread). Its callbacks run there too; they
only convert (a frame to a QImage that owns its pixels) and emit signals of a bridge object
that lives on the UI thread, so every widget update is queued to the UI thread. Frames are
never queued up: while one is waiting to be painted, newer ones replace it (the screen shows
the newest picture, a slow paint never builds a backlog).

ICE: no STUN/TURN unless ``BIG20_RTC_ICE_SERVERS`` gives them (JSON, as the server's
setting); host candidates on ``BIG20_RTC_ICE_ADDRESSES`` (comma-separated) or, for a server
on this computer, loopback only. Leaving the screen stops the viewer (the server ends the
relay when the peer closes). UI thread only, except the callbacks named above.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QListWidgetItem

from core.i18n import tr
from desktop.controllers.base import ScreenController
from desktop.ui.recruiter_live_view import RecruiterLiveView
from desktop.ui.widgets import bgr_to_qimage
from desktop.workers.jobs import error_text
from desktop.workers.net_loop import net_loop
from sync.client.api import LoginRequired, ServerRefused
from sync.client.ice import ice_for
from sync.client.webrtc_viewer import LiveViewer

log = logging.getLogger(__name__)
MAX_CAPTIONS = 300


class _Bridge(QObject):
    """Lives on the UI thread; emitted from the network loop's thread (queued connections)."""

    frame = Signal(int, QImage)
    message = Signal(int, object)
    connected = Signal(int)
    failed = Signal(int, object)
    ended = Signal(int)


class RecruiterLiveController(ScreenController[RecruiterLiveView]):
    name = "recruiter_live"
    role = "recruiter"
    nav_key = "home"

    def __init__(self, view, ctx, nav) -> None:
        super().__init__(view, ctx, nav)
        self.bridge = _Bridge(self)
        self.bridge.frame.connect(self._show_frame)
        self.bridge.message.connect(self._show_message)
        self.bridge.connected.connect(self._connected)
        self.bridge.failed.connect(self._failed)
        self.bridge.ended.connect(self._ended)
        view.back.clicked.connect(self.go_back)
        self.interview: dict[str, Any] | None = None
        self.viewer: LiveViewer | None = None
        self._run = None  # the viewer's future on the network loop
        self._gen = 0  # which viewing a late signal belongs to: older ones are ignored
        self._pending: QImage | None = None
        self._pending_lock = threading.Lock()
        self.frames_shown = 0
        self.captions: list[dict[str, Any]] = []  # the final ones
        self._interim: QListWidgetItem | None = None
        self.question: str = ""

    # ------------------------------------------------------------------ screen
    def enter(self, **kwargs: Any) -> None:
        row = kwargs.get("interview")
        if row is None:
            return
        self.interview = row
        v, lang = self.view, self.lang
        v.banner.clear_message()
        name = row.get("candidate_name") or f"#{row.get('candidate_id', row['id'])}"
        v.title.setText(tr("ui.recruiter.live.title_for", lang, name=name, position=row.get("position") or ""))
        v.question.setText(tr("ui.recruiter.live.no_question", lang))
        v.captions.clear()
        v.video.clear(tr("ui.recruiter.live.connecting", lang))
        v.state.setText(tr("ui.recruiter.live.connecting", lang))
        self.captions, self.question, self.frames_shown = [], "", 0
        self._interim = None  # the list item of the caption still being spoken
        self.start(str(row["id"]))

    def leave(self) -> None:
        super().leave()
        self.stop()

    def go_back(self) -> None:
        if self.interview is not None and self.interview.get("status") != "live":
            self.nav("recruiter_report", interview=self.interview)
        else:
            self.nav("recruiter")

    # ------------------------------------------------------------------ viewer
    def start(self, interview_id: str) -> None:
        client = self.ctx.server
        if client is None:
            return
        self.stop()
        self._gen += 1
        gen = self._gen
        try:
            servers, addresses = ice_for(client.base_url)
        except Exception as exc:  # a malformed STUN/TURN setting: said plainly, nothing started
            self._failed(gen, exc)
            return
        bridge = self.bridge

        def on_frame(frame) -> None:  # network loop thread: convert, keep the newest only
            image = bgr_to_qimage(frame.to_ndarray(format="bgr24"))
            with self._pending_lock:
                waiting = self._pending is not None
                self._pending = image
            if not waiting:
                bridge.frame.emit(gen, image)

        viewer = LiveViewer(client, interview_id, on_frame=on_frame,
                            on_message=lambda m: bridge.message.emit(gen, m),
                            ice_servers=servers, ice_addresses=addresses)
        self.viewer = viewer

        async def run() -> None:
            try:
                await viewer.start()
            except Exception as exc:
                bridge.failed.emit(gen, exc)
                await viewer.stop()
                return
            bridge.connected.emit(gen)
            await viewer.ended.wait()
            bridge.ended.emit(gen)

        self._run = net_loop().submit(run())

    def stop(self) -> None:
        """Close the viewer (on the network loop); returns at once."""
        viewer, run = self.viewer, self._run
        self.viewer, self._run = None, None
        self._gen += 1
        with self._pending_lock:
            self._pending = None
        if run is not None:
            run.cancel()
        if viewer is not None:
            net_loop().submit(viewer.stop())

    # ------------------------------------------------------------------ UI thread
    def _show_frame(self, gen: int, _image: QImage) -> None:
        if gen != self._gen:
            return
        with self._pending_lock:
            image, self._pending = self._pending, None
        if image is None:
            return
        self.view.video.set_image(image)
        self.frames_shown += 1

    def _show_message(self, gen: int, msg: Any) -> None:
        if gen != self._gen or not isinstance(msg, dict):
            return
        v = self.view
        if msg.get("type") == "caption" and msg.get("text"):
            # an interim caption (final False) is the last line, in grey, until the final one replaces it
            if self._interim is not None:
                v.captions.takeItem(v.captions.row(self._interim))
                self._interim = None
            item = QListWidgetItem(str(msg["text"]))
            if msg.get("final", True):
                self.captions.append(msg)
            else:
                item.setForeground(QColor("#9aa3af"))
                self._interim = item
            v.captions.addItem(item)
            while v.captions.count() > MAX_CAPTIONS:
                v.captions.takeItem(0)
            v.captions.scrollToBottom()
        elif msg.get("type") == "event" and msg.get("event") == "question":
            self.question = str(msg.get("text") or "")
            n = msg.get("index")
            v.question.setText(tr("ui.recruiter.live.question_n", self.lang, n=int(n) + 1, text=self.question)
                               if isinstance(n, int) else self.question)

    def _connected(self, gen: int) -> None:
        if gen == self._gen:
            self.view.state.setText(tr("ui.recruiter.live.watching", self.lang))

    def _ended(self, gen: int) -> None:
        if gen != self._gen:
            return
        self.view.state.setText(tr("ui.recruiter.live.ended", self.lang))
        self.view.video.clear(tr("ui.recruiter.live.ended", self.lang))

    def _failed(self, gen: int, exc: BaseException) -> None:
        if gen != self._gen:
            return
        lang = self.lang
        if isinstance(exc, ServerRefused) and exc.status == 409:
            text = tr("ui.recruiter.live.not_live", lang)
        elif isinstance(exc, ServerRefused) and exc.status == 404:
            text = tr("ui.recruiter.live.no_video", lang)
        elif isinstance(exc, LoginRequired):
            text = tr("ui.login.server.expired", lang)
        elif isinstance(exc, TimeoutError):
            text = tr("ui.recruiter.live.timeout", lang)
        else:
            text = error_text(exc, lang)
        self.view.state.setText("")
        self.view.video.clear(text)
        self.view.show_error(text)
