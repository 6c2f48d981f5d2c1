"""The self-test, run in a hidden copy of the page.

The copy is a second PreviewView — its own off-the-record profile, the same sandbox, its own
origin, so what the test types never reaches the user's localStorage — that is "shown" with
WA_DontShowOnScreen: Chromium treats a page without a visible view as a background tab and
runs its timers once a second and its animation frames not at all, which would make every
stopwatch look dead. resources/web/self_test.js does the clicking; core/checking/self_test.py
words what it found. A val is exercised through a second Deno server with a scratch data
folder, so the test's form posts never land in the user's val data: first the routes its code
names are opened (core/checking/val_routes.py), then its page is tried.

Everything here is asynchronous: the GUI thread only starts loads and reads a small report.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEngineScript

from desktop.core.checking.self_test import (
    Finding,
    Health,
    SelfTest,
    read_report,
    server_finding,
    unfinished,
    with_server_errors,
    with_static_problems,
    without_server_findings,
)
from desktop.core.checking.val_routes import RouteCheck, check_routes
from desktop.core.runtime.val_server import ValServer
from desktop.ui.preview.view import PreviewView, page_script
from desktop.ui.workers import message_of, run_in_background

POLL_MS = 50
SERVER_WAITS = 20
# The scratch server has no model bridge: the self-test never spends the model's time, so
# a val's model calls fail there with this, and are not held against the val.
NO_MODEL = "model bridge is off"
RUN_CAP_MS = 12000  # loading and exercising; a page still busy then is reported as such
# How a verdict looks, in the status bar and the History panel: a mark and its colour.
BADGES = {Health.WORKS: ("\u2713", "#1e7b34"), Health.PROBLEMS: ("\u26a0", "#a35a00"),
          Health.THROWS: ("\u2717", "#b3261e")}
_MAIN = QWebEngineScript.ScriptWorldId.MainWorld
_START_JS = "window.__keystrokeSelfTest ? (window.__keystrokeSelfTest.start(), true) : false"
_STATE_JS = "window.__keystrokeSelfTestState || ''"


@dataclass
class _Job:
    number: int
    instruction: str
    served: bool  # a val's page
    tag: object
    started: float
    code: str  # "" for a page something else serves
    routes: RouteCheck = field(default_factory=RouteCheck)  # a val's routes, opened before its page
    running: bool = False  # the script was started in the page
    waits: int = 0  # for the val's server to report the error behind a 500


class SelfTestRunner(QObject):
    """`run(code, instruction, tag)`; `finished(SelfTest, tag)` when it is done. A newer
    run replaces the one in progress (only the newest page matters)."""

    finished = Signal(object, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._view: PreviewView | None = None
        self._numbers = 0
        self._job: _Job | None = None
        self._server: ValServer | None = None
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._ask)
        self._cap = QTimer(self, singleShot=True, interval=RUN_CAP_MS)
        self._cap.timeout.connect(lambda: self._finish(unfinished(
            f"The self-test could not finish within {RUN_CAP_MS // 1000} s: the page kept "
            "it busy")))

    @property
    def view(self) -> PreviewView:
        """The hidden copy (made on first use: most sessions never need a second renderer
        before their first page)."""
        if self._view is None:
            view = PreviewView()
            view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            view.resize(1024, 768)
            view.page().scripts().insert(page_script("self_test.js", _MAIN, subframes=False))
            view.use_origin("self-test")
            view.page_shown.connect(self._page_shown)
            view.page().loadStarted.connect(self._load_started)
            view.show()
            self._view = view
        return self._view

    def run(self, code: str, instruction: str = "", tag: object = None) -> None:
        self._begin(instruction, served=False, tag=tag, code=code)
        self.view.show_html(code, self._job.number)

    def run_url(self, url: str, instruction: str = "", tag: object = None) -> None:
        """A page something else serves (`keystroke check URL`)."""
        self._begin(instruction, served=url.startswith("http"), tag=tag, code="")
        self.view.show_url(url, self._job.number)

    def run_val(self, code: str, instruction: str = "", tag: object = None) -> None:
        """Start the val on a scratch server and open the routes its code names (off the
        GUI thread), then exercise its page."""
        self._begin(instruction, served=True, tag=tag, code=code)
        job = self._job
        self._stop_server()
        folder = Path(tempfile.mkdtemp(prefix="keystroke-self-test-"))
        server = self._server = ValServer(folder)

        def start(_emit) -> tuple[str, RouteCheck]:
            url = server.start(code)
            return url, check_routes(server, code)

        def started(answer: tuple[str, RouteCheck]) -> None:
            if self._job is job:
                url, job.routes = answer
                self.view.show_url(url, job.number)

        def failed(error: BaseException) -> None:
            if self._job is job:
                self._finish(SelfTest((Finding("server", f"The val did not start: "
                                                         f"{message_of(error)}"),)))

        run_in_background(self, start, started, failed)

    def stop(self) -> None:
        self._job = None
        self._poll.stop()
        self._cap.stop()
        self._stop_server()

    def close(self) -> None:
        self.stop()
        if self._view is not None:
            self._view.close()
            self._view.deleteLater()
            self._view = None

    def _begin(self, instruction: str, served: bool, tag: object, code: str) -> None:
        self._poll.stop()
        self._numbers += 1
        self._job = _Job(self._numbers, instruction, served, tag, time.perf_counter(), code)
        self._cap.start()

    def _page_shown(self, number: object, _ms: float) -> None:
        job = self._job
        if job is None or number != job.number:
            return

        def started(ok) -> None:
            if self._job is not job:
                return
            if ok is not True:
                self._finish(unfinished("The self-test could not start in the page"))
                return
            job.running = True
            self._poll.start()

        self.view.page().runJavaScript(_START_JS, _MAIN, started)

    def _load_started(self) -> None:
        job = self._job
        if job is not None and job.running:
            self._finish(SelfTest((Finding(
                "reloads", "The page reloaded itself while it was being tried (a link, a "
                "form or a script that reloads it), losing what it showed"),)))

    def _ask(self) -> None:
        job = self._job
        if job is None:
            self._poll.stop()
            return
        if self.view.hung:
            self._finish(unfinished("The page stopped answering while it was being tried"))
            return
        self.view.page().runJavaScript(_STATE_JS, _MAIN, lambda state: self._answer(job, state))

    def _answer(self, job: _Job, state: object) -> None:
        if self._job is not job or not isinstance(state, str) or state in ("", "running"):
            return
        raw = json.loads(state)
        if "failed" in raw:
            self._finish(unfinished(f"The self-test failed in the page: {raw['failed'][:200]}"))
            return
        result = read_report(raw, job.instruction, job.served)
        if not job.served:  # a val's code is TypeScript: the page rules do not apply
            result = with_static_problems(result, job.code)
        server = self._server
        if job.served and server is not None:
            thrown = [e for e in server.errors if e not in job.routes.excused]
            if not thrown and job.waits < SERVER_WAITS and any(
                    f.kind == "server" for f in result.findings):
                job.waits += 1  # Deno's stderr trails the 500 it answered a little
                QTimer.singleShot(POLL_MS, lambda: self._answer(job, state))
                return
            # The routes' own errors were waited for as they were opened.
            result = with_server_errors(result, list(job.routes.findings))
            errors = [e for e in thrown if NO_MODEL not in e.message]
            if thrown and not errors:  # only its model calls failed: not tried here
                result = without_server_findings(result)
            result = with_server_errors(result, [server_finding(e.message, e.stack)
                                                 for e in errors])
        self._finish(result)

    def _finish(self, result: SelfTest) -> None:
        job = self._job
        if job is None:
            return
        self.stop()
        self.finished.emit(replace(result, ms=(time.perf_counter() - job.started) * 1000),
                           job.tag)

    def _stop_server(self) -> None:
        if self._server is not None:
            server, self._server = self._server, None
            server.stop()
            shutil.rmtree(server.sandbox, ignore_errors=True)
