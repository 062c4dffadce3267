"""Getting the live engines ready before the live screen: the niced loader thread and the
live screen's imports (desktop/workers/warmup.py)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from desktop.workers.warmup import ENGINE_NICE, LIVE_MODULES, run_niced, warm_live_imports


@pytest.mark.skipif(not hasattr(os, "setpriority") or not sys.platform.startswith("linux"),
                    reason="per-thread priority is a Linux feature")
def test_run_niced_lowers_only_the_loader_thread_and_its_children():
    me = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    def load():
        own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        child = []
        # a thread started while loading (as a runtime's compute threads are) inherits it
        t = threading.Thread(target=lambda: child.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id())))
        t.start()
        t.join()
        return own, child[0]

    own, child = run_niced(load)
    assert own == child == min(19, me + ENGINE_NICE)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == me  # the caller is untouched


def test_run_niced_raises_the_loaders_error_on_the_caller():
    def broken():
        raise ValueError("model file is corrupt")

    with pytest.raises(ValueError, match="corrupt"):
        run_niced(broken)


def test_live_modules_are_imported_ahead():
    assert warm_live_imports() == []
    assert all(name in sys.modules for name in LIVE_MODULES)
