"""The background jobs' bodies and what they run on, shared by the Celery worker
(:mod:`sync.server.worker`) and the broker-less local worker process
(:mod:`sync.server.background`).

:class:`WorkerContext` holds one process's engine, embedder and evaluator, made on first use
from its :class:`~sync.server.settings.WorkerSettings` (thread-safe; the models load once per
process). The job functions open one transaction each.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from core.db.models import Interview, Resume
from core.db.session import make_engine, session_factory, transaction
from core.protocols import AnswerEvaluator, Embedder
from core.services.embeddings import company_fit, embed_pending
from core.services.reevaluation import reevaluate_interview
from sync.server.settings import WorkerSettings

_UNSET = object()
# what a job answers (JSON, the Celery result)
JobResult = dict[str, Any]

if TYPE_CHECKING:
    from celery import Celery


def load_embedder(model_id: str | None) -> Embedder | None:
    """:func:`sync.server.embedding.load_embedder`, imported on first use: the encoder's imports
    (numpy, the engine assembly) were 0.6 s of every API process's start-up, measured, and the
    API loads its embedder only on the first search."""
    from sync.server.embedding import load_embedder as load

    return load(model_id)


def load_evaluator(name: str | None, embed_model: str | None) -> AnswerEvaluator | None:
    """:func:`sync.server.embedding.load_evaluator`, imported on first use (as above)."""
    from sync.server.embedding import load_evaluator as load

    return load(name, embed_model)


def make_celery(broker_url: str) -> "Celery":
    """The Celery app on ``broker_url`` (imported here: Celery, kombu and their imports were
    0.2 s of an API process's start-up, measured, and only a configured broker needs them)."""
    from celery import Celery

    app = Celery("big20", broker=broker_url, backend=broker_url)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
                    broker_connection_retry_on_startup=True, task_default_queue="big20")
    return app


class WorkerContext:
    """One worker process's database and models, each made once on first use."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._sessions: sessionmaker[Session] | None = None
        self._embedder: Embedder | None = None
        self._evaluator: AnswerEvaluator | None = None
        self._loaded: set[str] = set()  # "embedder", "evaluator": tried once (None: cannot run)

    def sessions(self) -> sessionmaker[Session]:
        with self._lock:
            if self._sessions is None:
                if not self.settings.database_url:
                    raise RuntimeError("set BIG20_SERVER_DATABASE_URL for the worker")
                engine = make_engine(self.settings.database_url, **self.settings.engine_args())
                self._sessions = session_factory(engine)
            return self._sessions

    def embedder(self) -> Embedder | None:
        with self._lock:
            if "embedder" not in self._loaded:
                self._embedder = load_embedder(self.settings.embed_model)
                self._loaded.add("embedder")
            return self._embedder

    def evaluator(self) -> AnswerEvaluator | None:
        with self._lock:
            if "evaluator" not in self._loaded:
                self._evaluator = load_evaluator(self.settings.evaluator, self.settings.embed_model)
                self._loaded.add("evaluator")
            return self._evaluator


def reevaluate_now(sessions: sessionmaker[Session], evaluator: AnswerEvaluator, interview_id: int) -> JobResult:
    """The re-evaluation job: each synced answer scored again, stored beside the desktop's."""
    with transaction(sessions) as s:
        return reevaluate_interview(s, evaluator, interview_id)


def embed_interview_now(sessions: sessionmaker[Session], embedder: Embedder, interview_id: int) -> JobResult:
    """The embedding job after a sync: the interview's resume and answers, then its fit."""
    with transaction(sessions) as s:
        # company profiles first (a handful): the fit below compares against them
        counts = embed_pending(s, embedder, tables=("companies",))
        counts.update(embed_pending(s, embedder, interview_ids=[interview_id]))
        iv = s.get(Interview, interview_id)
        fit = []
        if iv is not None and iv.resume_id is not None:
            resume = s.get(Resume, iv.resume_id)
            if resume is not None:
                fit = [{"company_id": c.id, "similarity": round(sim, 4)} for c, sim in company_fit(s, resume, 5)]
                resume.structured_data = {**(resume.structured_data or {}), "company_fit": fit}
    return {"embedded": counts, "fit": fit}


def embed_all_now(sessions: sessionmaker[Session], embedder: Embedder) -> dict[str, int]:
    """Every embedding still missing."""
    with transaction(sessions) as s:
        return embed_pending(s, embedder)
