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
process. Configuration: :class:`sync.server.settings.WorkerSettings`, read from the
environment once when the worker starts (``BIG20_SERVER_BROKER_URL``, ``BIG20_SERVER_DATABASE_URL``,
``BIG20_SERVER_EVALUATOR``, ``BIG20_MODELS__EMBED``). Each task opens its own transaction
(:mod:`sync.server.jobs`).
"""

from __future__ import annotations

import logging
from typing import Any

from sync.server.jobs import WorkerContext, embed_all_now, embed_interview_now, make_celery, reevaluate_now
from sync.server.settings import DEFAULT_BROKER, WorkerSettings

log = logging.getLogger(__name__)

# The worker process's settings, read once (the Celery CLI imports this module by name)
_context = WorkerContext(WorkerSettings())
app = make_celery(_context.settings.broker_url or DEFAULT_BROKER)


@app.task(name="big20.embed_interview", bind=True, max_retries=5, default_retry_delay=5)
def embed_interview(self, interview_id: int) -> dict[str, Any]:
    embedder = _context.embedder()
    if embedder is None:
        return {"embedded": {}, "fit": [], "skipped": "no embedding model the server can run"}
    try:
        return embed_interview_now(_context.sessions(), embedder, interview_id)
    except Exception as exc:  # database restart, lock timeout: Celery retries with a delay
        log.warning("embed_interview %s failed (%s); retrying", interview_id, type(exc).__name__)
        raise self.retry(exc=exc)


@app.task(name="big20.embed_pending")
def embed_all_pending() -> dict[str, int]:
    embedder = _context.embedder()
    if embedder is None:
        return {}
    return embed_all_now(_context.sessions(), embedder)


@app.task(name="big20.reevaluate_interview", bind=True, max_retries=5, default_retry_delay=5)
def reevaluate_interview(self, interview_id: int) -> dict[str, Any]:
    evaluator = _context.evaluator()
    if evaluator is None:
        return {"skipped": "no server-side evaluator configured (BIG20_SERVER_EVALUATOR)"}
    try:
        return reevaluate_now(_context.sessions(), evaluator, interview_id)
    except Exception as exc:  # database restart, lock timeout: Celery retries with a delay
        log.warning("reevaluate_interview %s failed (%s); retrying", interview_id, type(exc).__name__)
        raise self.retry(exc=exc)
