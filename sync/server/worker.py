"""Celery background work of the server (the original AI worker), over Redis.

Tasks:

- ``big20.embed_interview(interview_id)``: after a sync, embed the interview's resume and
  the candidate's answers (and company profiles still missing), then refresh the resume-to-company fit (stored in the resume's
  ``structured_data["company_fit"]``);
- ``big20.embed_pending()``: every embedding still missing (companies, bank questions and
  model answers, resumes, answers), e.g. after seeding or a model change;
- ``big20.reevaluate_interview(interview_id)``: when a server-side evaluator is configured
  (``BIG20_SERVER_EVALUATOR``: ``rubric`` or ``rubric-lexical``), score each synced answer
  again and store the result beside the desktop's score (``server_evaluations``, with the
  evaluator's name; :mod:`core.services.reevaluation`). The desktop's report is never changed.

A worker is a separate process (``celery -A sync.server.worker worker``, or
``big20-server worker``); more workers are more processes on any machine that reaches the
database and the broker: tasks read everything from the database, nothing from the API
process. Configuration from the environment: ``BIG20_SERVER_BROKER_URL`` (redis://...),
``BIG20_SERVER_DATABASE_URL`` (or ``DATABASE_URL``). Each task opens its own session.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from celery import Celery

from core.db.models import Interview, Resume
from core.db.session import make_engine, session_factory, transaction
from core.services.embeddings import company_fit, embed_pending
from core.services.reevaluation import reevaluate_interview as reevaluate

log = logging.getLogger(__name__)


def make_celery(broker_url: str) -> Celery:
    app = Celery("big20", broker=broker_url, backend=broker_url)
    app.conf.update(task_serializer="json", result_serializer="json", accept_content=["json"],
                    task_acks_late=True, task_reject_on_worker_lost=True, worker_prefetch_multiplier=1,
                    broker_connection_retry_on_startup=True, task_default_queue="big20")
    return app


app = make_celery(os.environ.get("BIG20_SERVER_BROKER_URL", "redis://127.0.0.1:6379/0"))

_state: dict[str, Any] = {}
_lock = threading.Lock()


def _sessions():
    with _lock:
        if "sessions" not in _state:
            url = os.environ.get("BIG20_SERVER_DATABASE_URL") or os.environ.get("DATABASE_URL")
            if not url:
                raise RuntimeError("set BIG20_SERVER_DATABASE_URL for the worker")
            from sync.server.settings import PG_CONNECT_ARGS

            kwargs = {"connect_args": PG_CONNECT_ARGS} if url.startswith("postgresql") else {}
            _state["sessions"] = session_factory(make_engine(url, **kwargs))
        return _state["sessions"]


def _embedder():
    with _lock:
        if "embedder" not in _state:
            from sync.server.embedding import load_embedder

            _state["embedder"] = load_embedder()
        return _state["embedder"]


def _evaluator():
    with _lock:
        if "evaluator" not in _state:
            from sync.server.embedding import load_evaluator

            _state["evaluator"] = load_evaluator(os.environ.get("BIG20_SERVER_EVALUATOR") or None,
                                                 os.environ.get("BIG20_MODELS__EMBED") or None)
        return _state["evaluator"]


def reevaluate_now(sessions, evaluator, interview_id: int) -> dict[str, Any]:
    """The re-evaluation task body (also run in-process when no broker is configured)."""
    with transaction(sessions) as s:
        return reevaluate(s, evaluator, interview_id)


def embed_interview_now(sessions, embedder, interview_id: int) -> dict[str, Any]:
    """The task body (also run in-process when no broker is configured)."""
    with transaction(sessions) as s:
        # company profiles first (a handful): the fit below compares against them
        counts = embed_pending(s, embedder, tables=("companies",))
        counts.update(embed_pending(s, embedder, interview_ids=[interview_id]))
        iv = s.get(Interview, interview_id)
        fit = []
        if iv is not None and iv.resume_id is not None:
            resume = s.get(Resume, iv.resume_id)
            fit = [{"company_id": c.id, "similarity": round(sim, 4)} for c, sim in company_fit(s, resume, 5)]
            resume.structured_data = {**(resume.structured_data or {}), "company_fit": fit}
    return {"embedded": counts, "fit": fit}


@app.task(name="big20.embed_interview", bind=True, max_retries=5, default_retry_delay=5)
def embed_interview(self, interview_id: int) -> dict[str, Any]:
    embedder = _embedder()
    if embedder is None:
        return {"embedded": {}, "fit": [], "skipped": "no embedding model the server can run"}
    try:
        return embed_interview_now(_sessions(), embedder, interview_id)
    except Exception as exc:  # database restart, lock timeout: Celery retries with a delay
        log.warning("embed_interview %s failed (%s); retrying", interview_id, type(exc).__name__)
        raise self.retry(exc=exc)


@app.task(name="big20.embed_pending")
def embed_all_pending() -> dict[str, int]:
    embedder = _embedder()
    if embedder is None:
        return {}
    with transaction(_sessions()) as s:
        return embed_pending(s, embedder)


@app.task(name="big20.reevaluate_interview", bind=True, max_retries=5, default_retry_delay=5)
def reevaluate_interview(self, interview_id: int) -> dict[str, Any]:
    evaluator = _evaluator()
    if evaluator is None:
        return {"skipped": "no server-side evaluator configured (BIG20_SERVER_EVALUATOR)"}
    try:
        return reevaluate_now(_sessions(), evaluator, interview_id)
    except Exception as exc:  # database restart, lock timeout: Celery retries with a delay
        log.warning("reevaluate_interview %s failed (%s); retrying", interview_id, type(exc).__name__)
        raise self.retry(exc=exc)
