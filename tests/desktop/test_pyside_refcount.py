"""PySide6 6.12.0 on Python 3.11 dropped a reference to None on every processEvents() and the
interpreter aborted (none_dealloc) after ~1000 calls; pyproject excludes it. This runs the
loop in a child, so a broken PySide6 fails this test instead of aborting the whole suite."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtWidgets import QApplication
app = QApplication([])
before = sys.getrefcount(None)
for _ in range(5000):
    app.processEvents()
delta = sys.getrefcount(None) - before
print(delta)
sys.exit(0 if abs(delta) < 50 else 3)
"""


def test_process_events_keeps_none_alive():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env,
                          timeout=120)
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr[-500:])
    assert abs(int(proc.stdout.strip().splitlines()[-1])) < 50
