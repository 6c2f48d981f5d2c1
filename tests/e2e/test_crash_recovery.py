"""Kill the app with SIGKILL in the middle of a generation; the next start must bring back
every committed version and the unsaved instruction and code, and say so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

from desktop.core.store import Store
from tests.conftest import REPO

DRIVER = REPO / "tests" / "e2e" / "crash_app.py"


def test_kill_minus_nine_mid_generation_loses_nothing(keystroke_home):
    env = {**os.environ, "KEYSTROKE_HOME": str(keystroke_home), "QT_QPA_PLATFORM": "offscreen"}
    with subprocess.Popen([sys.executable, str(DRIVER), "work"], env=env, cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as work:
        try:
            assert work.stdout.readline().strip() == "READY"
            os.kill(work.pid, signal.SIGKILL)
            assert work.wait(timeout=30) == -signal.SIGKILL
        finally:
            if work.poll() is None:
                work.kill()
    reopen = subprocess.run([sys.executable, str(DRIVER), "reopen"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert reopen.returncode == 0, reopen.stderr[-2000:]
    state = json.loads(reopen.stdout.strip().splitlines()[-1])
    assert state["versions"] == ["second version", "first version"]
    assert state["prompt"] == "make it purple"
    assert "<!-- my edit -->" in state["editor"]
    assert "did not close properly" in state["banner"]
    assert "2 saved versions" in state["banner"] and "unsaved" in state["banner"]
    store = Store()
    assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert store.state("running") == "0"  # the second run closed cleanly
    store.close()
