"""desktop.workers.jobs: a job cancelled while its function ran never reports success, and a
parentless job (or Op) whose last reference was dropped still delivers its callbacks."""

from __future__ import annotations

import gc
import threading

from core.errors import Cancelled
from desktop.workers import jobs
from desktop.workers.jobs import Op, run_job


def _gated(result="done"):
    """``fn`` that blocks on ``release`` (so the test can cancel it mid-run), then returns."""
    started, release = threading.Event(), threading.Event()

    def fn(progress, cancel):
        started.set()
        assert release.wait(10)
        return result

    return fn, started, release


def test_a_job_cancelled_while_running_fails_with_cancelled_not_succeeds(qtbot):
    fn, started, release = _gated()
    got: dict[str, list] = {"ok": [], "failed": [], "finished": []}

    def connect(job):
        job.succeeded.connect(got["ok"].append)
        job.failed.connect(got["failed"].append)
        job.finished.connect(lambda: got["finished"].append(True))

    holder = jobs.QObject()
    job = run_job(fn, holder, connect=connect)
    assert started.wait(10)
    job.cancel()
    release.set()  # fn returns normally, after the cancel
    qtbot.waitUntil(lambda: bool(got["finished"]), timeout=10_000)
    assert got["ok"] == [] and len(got["failed"]) == 1 and isinstance(got["failed"][0], Cancelled)


def test_an_op_cancelled_while_running_calls_no_success_and_stays_silent(qtbot):
    fn, started, release = _gated()
    ok, failed = [], []
    holder = jobs.QObject()
    op = Op(holder, fn, ok.append).failure(failed.append).run_in_background()
    assert started.wait(10)
    op.cancel()
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    # Cancelled is the Op's silent end: neither the success nor the failure handler runs
    assert ok == [] and failed == [] and isinstance(op.last_error, Cancelled) and op.result is None


def test_an_uncancelled_job_still_succeeds(qtbot):
    ok = []
    op = Op(jobs.QObject(), lambda progress, cancel: 42, ok.append)
    op.run_in_background()
    qtbot.waitUntil(lambda: op.done, timeout=10_000)
    assert ok == [42]


def test_a_parentless_job_whose_reference_is_dropped_still_delivers(qtbot):
    fn, started, release = _gated("kept")
    got, finished = [], []

    def connect(job):
        job.succeeded.connect(got.append)
        job.finished.connect(lambda: finished.append(True))

    run_job(fn, None, connect=connect)  # the only reference is dropped at once
    assert started.wait(10)
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: bool(finished), timeout=10_000)
    assert got == ["kept"]
    qtbot.waitUntil(lambda: not jobs._parentless, timeout=10_000)  # released once delivered


def test_a_parentless_op_whose_reference_is_dropped_still_delivers(qtbot):
    fn, started, release = _gated("op kept")
    got = []
    Op(None, fn, got.append).run_in_background()
    assert started.wait(10)
    gc.collect()
    release.set()
    qtbot.waitUntil(lambda: bool(got), timeout=10_000)
    assert got == ["op kept"]
    qtbot.waitUntil(lambda: not jobs._parentless, timeout=10_000)
