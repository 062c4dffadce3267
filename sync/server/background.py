"""Hands work to the background after a request: Celery tasks when a broker is configured,
else one local worker *process* (a single-machine trial without Redis).

Either way the request never waits for embeddings or re-evaluation, and never competes for
the API process's interpreter: measured with the former in-process thread, one 10 MB bundle
made recruiter search take 11-91 s for 7 minutes. Local jobs run one at a time in a spawned
child with its own database engine and model; at most ``max_pending`` wait, and a job that
finds the queue full is dropped and folded into the next one (an ``embed_pending`` catch-up),
so a burst of syncs never grows memory. Failures are logged, never raised into a request.
:meth:`Background.close` is bounded: queued jobs are cancelled, the running one gets
``shutdown_s`` and is then terminated (the work is redone by the next catch-up).

An embedder passed in by the caller (tests) cannot cross into a process: those jobs run on
one in-process thread as before. The embedder used by search is loaded lazily, once, on first
use in the API process (thread-safe).
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, Callable

from sqlalchemy.orm import Session, sessionmaker

from core.protocols import Embedder
from sync.server.jobs import (
    _UNSET,
    JobResult,
    WorkerContext,
    embed_all_now,
    embed_interview_now,
    load_embedder,
    load_evaluator,
    make_celery,
    reevaluate_now,
)
from sync.server.settings import WorkerSettings

log = logging.getLogger(__name__)

# the child process's own engine and models (made on its first job; never in the API process)
_CHILD: dict[str, WorkerContext] = {}


def _child_job(settings: WorkerSettings, kind: str, arg: int | None) -> JobResult | None:
    """One background job in the local worker process."""
    context = _CHILD.get("context")
    if context is None or context.settings != settings:
        context = _CHILD["context"] = WorkerContext(settings)
    if kind == "reevaluate":
        ev = context.evaluator()
        return reevaluate_now(context.sessions(), ev, arg) if ev is not None and arg is not None else None
    emb = context.embedder()
    if emb is None:
        return None
    if kind == "embed_interview" and arg is not None:
        return embed_interview_now(context.sessions(), emb, arg)
    return embed_all_now(context.sessions(), emb)


class Background:
    """Background work of one API process, configured by the worker part of its settings
    (``ServerSettings.worker()``). Thread-safe."""

    def __init__(self, sessions: sessionmaker[Session], settings: WorkerSettings, *, embedder: Any = _UNSET,
                 enabled: bool = True, max_pending: int = 32, shutdown_s: float = 10.0) -> None:
        self._settings = settings
        self._enabled = enabled
        self._max_pending = max_pending
        self._shutdown_s = shutdown_s
        self._procs: ProcessPoolExecutor | None = None
        self._pending = 0
        self._dropped = False
        self._sessions = sessions
        self._broker_url = settings.broker_url
        self._embedder = embedder
        self._evaluator_name = settings.evaluator  # server-side re-evaluation (None: off)
        self._evaluator: Any = _UNSET
        self._lock = threading.Lock()
        self._celery: Any = None  # a Celery app once the first task is sent
        self._pool: ThreadPoolExecutor | None = None

    def embedder(self) -> Embedder | None:
        with self._lock:
            if self._embedder is _UNSET:
                self._embedder = load_embedder(self._settings.embed_model)
            return self._embedder

    def _send(self, name: str, args: list[int]) -> None:
        with self._lock:
            if self._celery is None:
                self._celery = make_celery(self._broker_url or "")
        try:
            self._celery.send_task(name, args=args)
        except Exception as exc:  # broker down: the work is redone by embed_pending later
            log.warning("could not queue %s (%s): %s", name, type(exc).__name__, exc)

    def _local(self, fn: Callable[[], Any]) -> Future | None:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="big20-bg")
        fut = self._pool.submit(fn)
        fut.add_done_callback(lambda f: f.exception() and log.warning(
            "background job failed: %s", f.exception()))
        return fut

    def _use_process(self) -> bool:
        return self._embedder is _UNSET and bool(self._settings.database_url)

    def _in_process(self, kind: str, arg: int | None) -> Future | None:
        """Queue ``kind`` for the local worker process (bounded; see the module docstring)."""
        with self._lock:
            if self._pending >= self._max_pending:
                self._dropped = True
                log.warning("background queue full (%d jobs): %s %s folded into the next catch-up",
                            self._pending, kind, arg)
                return None
            if self._dropped and kind == "embed_interview":
                kind, arg, self._dropped = "embed_pending", None, False
            if self._procs is None:
                self._procs = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            self._pending += 1
            procs = self._procs
        fut = procs.submit(_child_job, self._settings, kind, arg)

        def done(f: Future) -> None:
            with self._lock:
                self._pending -= 1
            if not f.cancelled() and f.exception() is not None:
                log.warning("background job %s failed: %s", kind, f.exception())

        fut.add_done_callback(done)
        return fut

    def evaluator(self):
        with self._lock:
            if self._evaluator is _UNSET:
                self._evaluator = load_evaluator(self._evaluator_name, self._settings.embed_model)
            return self._evaluator

    def after_sync(self, interview_id: int) -> Future | None:
        if not self._enabled:
            return None
        if self._broker_url:
            self._send("big20.embed_interview", [interview_id])
            if self._evaluator_name:
                self._send("big20.reevaluate_interview", [interview_id])
            return None
        if self._use_process():
            if self._evaluator_name:
                self._in_process("reevaluate", interview_id)
            return self._in_process("embed_interview", interview_id)
        if self._evaluator_name:
            def rescore():
                ev = self.evaluator()
                return reevaluate_now(self._sessions, ev, interview_id) if ev is not None else None

            self._local(rescore)

        def job():
            emb = self.embedder()
            return embed_interview_now(self._sessions, emb, interview_id) if emb is not None else None

        return self._local(job)

    def after_resume(self, resume_id: int) -> Future | None:
        if not self._enabled:
            return None
        if self._broker_url:
            self._send("big20.embed_pending", [])
            return None
        if self._use_process():
            return self._in_process("embed_pending", None)

        def job():
            emb = self.embedder()
            return embed_all_now(self._sessions, emb) if emb is not None else None

        return self._local(job)

    def close(self) -> None:
        """Bounded: queued jobs are cancelled; the running one gets ``shutdown_s`` seconds, then
        its process is terminated. In-process jobs (an injected embedder) are waited for; the
        wait is outside the lock: a running job takes it (to load the embedder)."""
        with self._lock:
            pool, self._pool = self._pool, None
            procs, self._procs = self._procs, None
        if procs is not None:
            children = list(getattr(procs, "_processes", {}).values())  # to bound the wait below
            procs.shutdown(wait=False, cancel_futures=True)
            for child in children:
                child.join(self._shutdown_s)
                if child.is_alive():
                    log.warning("background job still running after %.0f s at shutdown: terminated", self._shutdown_s)
                    child.terminate()
                    child.join(5)
        if pool is not None:
            pool.shutdown(wait=True)
