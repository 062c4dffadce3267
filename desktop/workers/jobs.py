"""Background work with progress, cancellation and one default error handler (Anki's QueryOp).

Two entry points:

- ``run_job(fn, parent)``: the low-level form; ``fn(progress, cancel)`` runs on a worker
  pool and a :class:`Job` emits ``progress``/``succeeded``/``failed``/``finished``.
- ``Op(parent, fn, success).with_progress(label).failure(handler).run_in_background()``:
  the fluent form every screen uses. ``.on_db_lane()`` queues it on the single-worker
  database lane instead, so writes never race each other (SQLite has one writer anyway).

Threading contract: ``fn`` runs on a pool thread and must not touch widgets; every callback
(success, failure, progress) runs on the UI thread, because the :class:`Job` lives there and
its signals are queued. Cancellation is cooperative: ``op.cancel()`` sets the token ``fn``
was given; a cancelled job ends silently (``Cancelled`` never reaches an error box), and a
job cancelled while ``fn`` ran fails with ``Cancelled`` even if ``fn`` returned normally (no
success callback after a cancel). A parentless Job or Op is kept alive until ``finished``.

Progress: a dialog appears only if the job still runs after ``PROGRESS_DELAY_MS`` (600 ms),
so short jobs never flash one (Anki's progress.py).

Default failure handler (:func:`default_failure`): Cancelled -> nothing; Big20Error -> its
text in the user's language; anything else -> logged with its traceback and reported as an
unexpected error pointing at the log file. It shows the text through the parent's
``show_error(text)`` when the parent (or one of its ancestors) has one, else a non-blocking
message box.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from functools import partial
from typing import Callable, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from core.errors import Big20Error, Cancelled
from core.i18n import tr
from core.paths import app_paths
from core.tasks import CancelToken
from desktop.workers.lifecycle import join_stopping

log = logging.getLogger(__name__)
PROGRESS_DELAY_MS = 600
T = TypeVar("T")
# what a job runs: fn(progress, cancel) -> result, on a pool thread
JobFn = Callable[..., T]


class Job(QObject):
    progress = Signal(float, float, str)  # done, total (0 = unknown), message
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (a Big20Error for user-facing failures)
    finished = Signal()

    def __init__(self, fn: JobFn[object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.cancel_token = CancelToken()

    def cancel(self) -> None:
        self.cancel_token.cancel()


def _run(job: Job) -> None:  # runs on a worker thread; only emits signals (queued to the UI thread)
    try:
        result = job.fn(lambda d, t, m="": _emit(job.progress, float(d), float(t or 0), m),
                        job.cancel_token)
    except Cancelled as exc:
        _emit(job.failed, exc)
    except Big20Error as exc:
        _emit(job.failed, exc)
    except Exception as exc:  # an unexpected bug: log it with its traceback, tell the UI
        log.exception("background job failed")
        _emit(job.failed, exc)
    else:
        if job.cancel_token.cancelled:
            # cancelled while fn ran to the end: the caller has moved on and must not get a
            # result it asked to abandon (a stale screen refresh, a write it backed out of)
            _emit(job.failed, Cancelled())
        else:
            _emit(job.succeeded, result)
    finally:
        _emit(job.finished)


def _emit(signal: SignalInstance, *args: object) -> None:
    try:
        signal.emit(*args)
    except RuntimeError:
        # the Job was deleted with its screen (a rebuilt view, app exit): nobody is listening
        log.debug("background job finished after its owner was deleted")


class _Pool:
    """Python thread pools (not QThreadPool: a QRunnable's Python override was intermittently
    never run when queued on the one-thread lane, so a job hung with the lane idle)."""

    def __init__(self, workers: int, name: str) -> None:
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._futures: set[Future] = set()
        self._lock = threading.Lock()

    def start(self, job: Job) -> None:
        fut = self._executor.submit(_run, job)
        with self._lock:
            self._futures.add(fut)
        fut.add_done_callback(self._done)

    def _done(self, fut: Future) -> None:
        with self._lock:
            self._futures.discard(fut)

    def wait(self, timeout_s: float) -> bool:
        with self._lock:
            pending = list(self._futures)
        _, not_done = wait(pending, timeout=timeout_s)
        return not not_done


_pools: dict[str, _Pool] = {}
_pools_lock = threading.Lock()


def _pool(name: str) -> _Pool:
    with _pools_lock:
        if name not in _pools:
            workers = 1 if name == "db" else max(2, min(8, (os.cpu_count() or 2) * 2))
            _pools[name] = _Pool(workers, f"big20-{name}")
        return _pools[name]


def db_lane() -> _Pool:
    """The single-worker pool every database write goes through."""
    return _pool("db")


# Parentless objects (a Job, an Op) running now, by id: Python owns them, so dropping the
# caller's last reference would delete them before their queued signals arrive and the
# callbacks would silently never run. Held from the start until ``finished`` was delivered.
_parentless: dict[int, QObject] = {}


def _hold_until_finished(obj: QObject, job: Job) -> None:
    """Keep ``obj`` alive until ``job.finished`` has reached the UI thread. Connect this after
    the other slots, so they all run first. UI thread only."""
    key = id(obj)
    _parentless[key] = obj
    # the slot holds only the key (a slot holding obj would be a cycle through C++ that never
    # frees it), and the release waits one loop turn: dropping the last reference inside obj's
    # own signal delivery would delete it mid-delivery
    job.finished.connect(partial(QTimer.singleShot, 0, partial(_parentless.pop, key, None)))


def run_job(fn: JobFn[object], parent: QObject | None = None, *, pool: _Pool | None = None,
            connect: Callable[[Job], None] | None = None) -> Job:
    """Start ``fn`` on ``pool``. Connect the Job's signals in ``connect(job)``: it runs before
    the job starts, so a job that finishes at once cannot emit into no connection (a slot
    connected after ``run_job`` returns may miss a fast job's signals). A job without
    ``parent`` is kept alive here until its ``finished`` has been delivered."""
    job = Job(fn, parent)
    if connect is not None:
        connect(job)
    if parent is None:
        _hold_until_finished(job, job)
    (pool or _pool("jobs")).start(job)
    return job


def wait_idle(timeout_ms: int = 30_000) -> bool:
    """Block until background jobs and stops are done (shutdown, tests). UI thread only."""
    stopped = join_stopping(timeout_ms / 1000)
    ok = _pool("jobs").wait(timeout_ms / 1000)
    return db_lane().wait(timeout_ms / 1000) and ok and stopped


def _lang_of(widget: QObject | None) -> str:
    while widget is not None:
        lang = getattr(widget, "lang", None)
        if isinstance(lang, str):
            return lang
        widget = widget.parent()
    return "en"


def error_text(exc: BaseException, lang: str) -> str:
    if isinstance(exc, Big20Error):
        return exc.localized(lang)
    return tr("ui.error.unexpected", lang, kind=type(exc).__name__, log=str(app_paths().log_file))


def show_error(parent: QObject | None, text: str) -> None:
    """Show ``text`` through the nearest ``show_error`` in the parent chain, else a message box
    that does not block the event loop."""
    w = parent
    while w is not None:
        handler = getattr(w, "show_error", None)
        if callable(handler):
            handler(text)
            return
        w = w.parent()
    box = QMessageBox(QMessageBox.Icon.Warning, tr("app.title", _lang_of(parent)), text,
                      QMessageBox.StandardButton.Ok, parent if isinstance(parent, QWidget) else None)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()


def default_failure(parent: QObject | None, exc: BaseException) -> None:
    if isinstance(exc, Cancelled):
        return
    if not isinstance(exc, Big20Error):
        log.error("unexpected error in a background operation: %r", exc)
    show_error(parent, error_text(exc, _lang_of(parent)))


class Op(QObject, Generic[T]):
    """One background operation, configured fluently and started by ``run_in_background``.

    ``fn(progress, cancel)`` -> result. ``success(result)`` and ``failure(exc)`` run on the UI
    thread. ``last_error`` keeps the failure for tests and callers that branch on its type.
    """

    def __init__(self, parent: QObject | None, fn: JobFn[T],
                 success: Callable[[T], None] | None = None) -> None:
        super().__init__(parent)
        self._parent = parent
        self._fn = fn
        self._success = success
        self._failure: Callable[[BaseException], None] | None = None
        self._label: str | None = None
        self._cancellable = True
        self._pool: _Pool | None = None
        self._dialog: QProgressDialog | None = None
        self._timer: QTimer | None = None
        self._on_progress: Callable[[float, float, str], None] | None = None
        self.job: Job | None = None
        self.last_error: BaseException | None = None
        self.result: T | None = None
        self.done = False

    # ------------------------------------------------------------------ configuration
    def with_progress(self, label: str, *, cancellable: bool = True) -> "Op[T]":
        self._label = label
        self._cancellable = cancellable
        return self

    def progress_to(self, fn: Callable[[float, float, str], None]) -> "Op[T]":
        """Also send progress to ``fn`` (an in-screen bar), UI thread."""
        self._on_progress = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> "Op[T]":
        self._failure = fn
        return self

    def on_db_lane(self) -> "Op[T]":
        self._pool = db_lane()
        return self

    # ------------------------------------------------------------------ running
    def run_in_background(self) -> "Op[T]":
        def connect(job: Job) -> None:
            self.job = job
            job.progress.connect(self._progress)
            job.succeeded.connect(self._succeeded)
            job.failed.connect(self._failed)
            job.finished.connect(self._finished)

        def connect_and_hold(job: Job) -> None:
            connect(job)
            if self.parent() is None:  # Op(None, ...): nothing else keeps it (and its Job) alive
                _hold_until_finished(self, job)

        run_job(self._fn, self, pool=self._pool, connect=connect_and_hold)
        if self._label is not None:
            self._timer = QTimer(self)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_dialog)
            self._timer.start(PROGRESS_DELAY_MS)
        return self

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    @property
    def cancelled(self) -> bool:
        return self.job is not None and self.job.cancel_token.cancelled

    def _show_dialog(self) -> None:
        if self.done:
            return
        parent = self._parent if isinstance(self._parent, QWidget) else None
        lang = _lang_of(self._parent)
        dlg = QProgressDialog(self._label or "", tr("ui.cancel", lang) if self._cancellable else "",
                              0, 0, parent)
        dlg.setObjectName("progressDialog")
        dlg.setMinimumDuration(0)
        dlg.setAutoClose(False)
        dlg.setAutoReset(False)
        if not self._cancellable:
            dlg.setCancelButton(None)
        dlg.canceled.connect(self.cancel)
        dlg.show()
        self._dialog = dlg

    def _progress(self, done: float, total: float, message: str) -> None:
        if self._dialog is not None:
            if total > 0:
                self._dialog.setRange(0, 1000)
                self._dialog.setValue(int(1000 * min(done / total, 1.0)))
            if message:
                self._dialog.setLabelText(message)
        if self._on_progress is not None:
            self._on_progress(done, total, message)

    def _succeeded(self, result: T) -> None:
        self.result = result
        self._close()
        if self._success is not None:
            self._success(result)

    def _failed(self, exc: BaseException) -> None:
        self.last_error = exc
        self._close()
        if isinstance(exc, Cancelled):
            return
        if self._failure is not None:
            self._failure(exc)
        else:
            default_failure(self._parent, exc)

    def _finished(self) -> None:
        self.done = True
        self._close()

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._dialog is not None:
            self._dialog.hide()
            self._dialog.deleteLater()
            self._dialog = None
