"""Embedding and re-evaluation off the request path (issue 23, finding 8): without a broker,
background jobs run in one spawned worker process (never the API process's interpreter), at
most ``max_pending`` wait, and closing is bounded."""

from __future__ import annotations

import os
import time

import pytest

from core.db.session import session_factory
from sync.server.background import Background, _child_job
from sync.server.settings import WorkerSettings
from tests.sync.server_helpers import seeded_server_db

pytestmark = pytest.mark.postgres


def test_local_jobs_run_in_a_separate_bounded_process_and_close_promptly(pg_engine):
    seeded_server_db(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    # a model the server cannot run: the job loads nothing heavy and answers None, in the child
    bg = Background(session_factory(pg_engine), WorkerSettings(database_url=url, embed_model="gemma3-270m-q4km"),
                    max_pending=1, shutdown_s=5)
    try:
        first = bg.after_resume(1)
        assert first is not None
        assert bg.after_resume(2) is None  # the queue (1) is full: dropped, folded into the next job
        assert first.result(timeout=120) is None
        child_pids = list(bg._procs._processes)
        assert child_pids and os.getpid() not in child_pids
        again = bg.after_sync(1)  # the dropped work comes back as a catch-up
        assert again is not None and again.result(timeout=120) is None
    finally:
        t0 = time.monotonic()
        bg.close()
        assert time.monotonic() - t0 < 30
    assert bg._procs is None


def test_child_job_without_a_runnable_model_does_nothing(pg_engine):
    seeded_server_db(pg_engine)
    url = pg_engine.url.render_as_string(hide_password=False)
    assert _child_job(WorkerSettings(database_url=url, embed_model="gemma3-270m-q4km"), "embed_pending", None) is None
