"""Kill the app with SIGKILL in the middle of a generation; the next start must bring back
every committed version and the unsaved instruction and code, and say so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from desktop.core.store import Store
from tests.conftest import REPO
from tests.e2e.crash_typist import measure

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


@pytest.mark.parametrize(("mode", "delays"), [("prompt", (1.3, 2.9)), ("editor", (1.7, 3.3)),
                                              ("enter", (1.1, 2.2, 3.6))])
def test_a_typist_who_never_pauses_loses_at_most_a_second(mode, delays, tmp_path):
    """SIGKILL while typing without a pause (or right after Enter): at most one second of
    typing is lost, no version is lost, and the draft builds on the newest version."""
    for n, delay in enumerate(delays):
        outcome = measure(mode, tmp_path / f"home-{n}", delay)
        assert outcome.seconds_lost <= 1.0, outcome
        assert outcome.versions_lost == 0, outcome
        assert not outcome.behind and not outcome.kept_prompt, outcome
    if mode == "enter":  # and the window really reopens there
        env = {**os.environ, "KEYSTROKE_HOME": str(tmp_path / f"home-{n}"),
               "QT_QPA_PLATFORM": "offscreen"}
        reopen = subprocess.run([sys.executable, str(DRIVER), "reopen"], env=env, cwd=REPO,
                                capture_output=True, text=True, timeout=120)
        state = json.loads(reopen.stdout.strip().splitlines()[-1])
        newest = state["versions"][0]
        assert f"<h1 id=\"app\">{newest}</h1>" in state["editor"]
        assert state["prompt"] != newest
