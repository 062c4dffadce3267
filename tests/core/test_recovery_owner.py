"""The owner of an open interview is judged by process state and start time: a process
killed with SIGKILL that lingers as a zombie is dead, and a pid since given to another process
is not the owner (``os.kill(pid, 0)`` said "alive" to both)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import psutil

from core.interview.recovery import _owner_alive, owner_record


def _plan(pid: int, started: float | None | str = "absent") -> dict:
    owner = {"pid": pid, "host": socket.gethostname()}
    if started != "absent":
        owner["started"] = started
    return {"owner": owner}


def test_this_process_owns_what_it_records():
    rec = owner_record()
    assert rec["pid"] == os.getpid() and rec["started"] == psutil.Process().create_time()
    assert _owner_alive({"owner": rec})


def test_a_killed_owner_left_as_a_zombie_is_dead():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        plan = _plan(child.pid, psutil.Process(child.pid).create_time())
        assert _owner_alive(plan)
        os.kill(child.pid, signal.SIGKILL)  # not reaped: the pid stays, as a zombie
        deadline = time.monotonic() + 10
        while psutil.Process(child.pid).status() != psutil.STATUS_ZOMBIE:
            assert time.monotonic() < deadline, "the child did not become a zombie"
            time.sleep(0.02)
        os.kill(child.pid, 0)  # what the old check relied on: it still "succeeds"
        assert not _owner_alive(plan)
        assert not _owner_alive(_plan(child.pid))  # an older record without a start time too
    finally:
        child.kill()
        child.wait()
    assert not _owner_alive(_plan(child.pid))  # reaped: no such process


def test_a_reused_pid_is_not_the_owner():
    me = psutil.Process()
    # the recorded owner started at another time than the process now holding that pid
    assert not _owner_alive(_plan(me.pid, me.create_time() - 3600))
    # an older record without a start time: a process younger than the interview is not its owner
    before = datetime.fromtimestamp(me.create_time(), timezone.utc) - timedelta(minutes=5)
    after = datetime.fromtimestamp(me.create_time(), timezone.utc) + timedelta(minutes=5)
    assert not _owner_alive(_plan(me.pid), since=before)
    assert _owner_alive(_plan(me.pid), since=after.replace(tzinfo=None))  # naive = UTC, as stored


def test_another_host_or_no_record_is_not_alive():
    assert not _owner_alive({"owner": {**owner_record(), "host": "elsewhere"}})
    assert not _owner_alive({})
    assert not _owner_alive(None)
