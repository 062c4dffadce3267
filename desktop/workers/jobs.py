"""One-shot background jobs with progress, success and failure signals (Anki-style).

``run_job(fn, ...)`` runs ``fn(progress, cancel)`` on Qt's global thread pool. Signals are
delivered on the thread that owns the :class:`Job` (the UI thread), so slots may touch widgets.
Cancellation is cooperative through the :class:`CancelToken` handed to ``fn``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from core.errors import Big20Error, Cancelled
from core.tasks import CancelToken

log = logging.getLogger(__name__)


class Job(QObject):
    progress = Signal(float, float, str)  # done, total (0 = unknown), message
    succeeded = Signal(object)
    failed = Signal(object)  # the exception (a Big20Error for user-facing failures)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.fn = fn
        self.cancel_token = CancelToken()

    def cancel(self) -> None:
        self.cancel_token.cancel()


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.job = job

    def run(self) -> None:  # runs on a pool thread; only emits signals (queued to the UI thread)
        job = self.job
        try:
            result = job.fn(lambda d, t, m="": job.progress.emit(float(d), float(t or 0), m),
                            job.cancel_token)
        except Cancelled as exc:
            job.failed.emit(exc)
        except Big20Error as exc:
            job.failed.emit(exc)
        except Exception as exc:  # an unexpected bug: log it with its traceback, tell the UI
            log.exception("background job failed")
            job.failed.emit(exc)
        else:
            job.succeeded.emit(result)
        finally:
            job.finished.emit()


def run_job(fn: Callable[..., Any], parent: QObject | None = None) -> Job:
    job = Job(fn, parent)
    QThreadPool.globalInstance().start(_Runnable(job))
    return job
