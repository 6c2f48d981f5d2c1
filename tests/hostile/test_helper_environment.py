"""The preview's Chromium helpers run untrusted pages: they must not inherit the cloud keys
set in the environment, while Keystroke itself still finds them."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO

PROBE = """
import json, sys
sys.path.insert(0, {repo!r})
from desktop.ui.app import make_application
app = make_application(headless=True)
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer
from desktop.core import keys
from desktop.ui.preview.view import PreviewView
view = PreviewView()
loop = QEventLoop()
view.page_shown.connect(lambda *_: loop.quit())
QTimer.singleShot(20000, loop.quit)
view.show_html("<p>a page</p>")
loop.exec()
pid = view.page().renderProcessPid()
environment = open(f"/proc/{{pid}}/environ", "rb").read().decode(errors="replace")
print(json.dumps({{"renderer": pid, "leaked": "sk-secret-for-test" in environment,
                  "found": keys.lookup("cerebras", "CEREBRAS_API_KEY").key}}))
view.close()
view.deleteLater()  # the page (and its profile) must go before the app does
QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
"""


def test_the_preview_helpers_do_not_inherit_cloud_keys():
    env = {**os.environ, "CEREBRAS_API_KEY": "sk-secret-for-test",
           "ANTHROPIC_API_KEY": "sk-secret-for-test", "QT_QPA_PLATFORM": "offscreen"}
    run = subprocess.run([sys.executable, "-c", PROBE.format(repo=str(REPO))], env=env,
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr[-2000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["renderer"] > 0
    assert outcome["leaked"] is False
    assert outcome["found"] == "sk-secret-for-test"  # Keystroke still has it
