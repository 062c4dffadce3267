"""Hands work to the background after a request: Celery tasks when a broker is configured,
else one in-process worker thread (a single-machine trial without Redis).

Either way the request never waits for embeddings. In-process jobs run one at a time on
their own thread with their own session; their failures are logged, never raised into a
request. The embedder is loaded lazily, once, on first use (thread-safe).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from core.db.session import transaction
from core.services.embeddings import embed_pending

log = logging.getLogger(__name__)

_UNSET = object()


class Background:
    def __init__(self, sessions, *, broker_url: str | None, embedder: Any = _UNSET,
                 embed_model: str | None = None, enabled: bool = True, evaluator: str | None = None) -> None:
        self._enabled = enabled
        self._sessions = sessions
        self._broker_url = broker_url
        self._embedder = embedder
        self._embed_model = embed_model
        self._evaluator_name = evaluator  # server-side re-evaluation (None: off)
        self._evaluator: Any = _UNSET
        self._lock = threading.Lock()
        self._celery = None
        self._pool: ThreadPoolExecutor | None = None

    def embedder(self):
        with self._lock:
            if self._embedder is _UNSET:
                from sync.server.embedding import load_embedder

                self._embedder = load_embedder(self._embed_model)
            return self._embedder

    def _send(self, name: str, args: list[Any]) -> None:
        with self._lock:
            if self._celery is None:
                from sync.server.worker import make_celery

                self._celery = make_celery(self._broker_url)
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

    def evaluator(self):
        with self._lock:
            if self._evaluator is _UNSET:
                from sync.server.embedding import load_evaluator

                self._evaluator = load_evaluator(self._evaluator_name, self._embed_model)
            return self._evaluator

    def after_sync(self, interview_id: int) -> Future | None:
        if not self._enabled:
            return None
        if self._broker_url:
            self._send("big20.embed_interview", [interview_id])
            if self._evaluator_name:
                self._send("big20.reevaluate_interview", [interview_id])
            return None
        if self._evaluator_name:
            def rescore():
                from sync.server.worker import reevaluate_now

                ev = self.evaluator()
                return reevaluate_now(self._sessions, ev, interview_id) if ev is not None else None

            self._local(rescore)

        def job():
            from sync.server.worker import embed_interview_now

            emb = self.embedder()
            return embed_interview_now(self._sessions, emb, interview_id) if emb is not None else None

        return self._local(job)

    def after_resume(self, resume_id: int) -> Future | None:
        if not self._enabled:
            return None
        if self._broker_url:
            self._send("big20.embed_pending", [])
            return None

        def job():
            emb = self.embedder()
            if emb is None:
                return None
            with transaction(self._sessions) as s:
                return embed_pending(s, emb)

        return self._local(job)

    def close(self) -> None:
        """Wait for the local jobs. The wait is outside the lock: a running job takes it (to
        load the embedder), so waiting while holding it deadlocked a shutdown right after a sync."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)
