"""`keystroke check`: load a page in the real preview, headless, and report what broke.

The page runs in the same sandboxed PreviewView the window uses, so a page that passes here
behaves the same in the app. "Settled" means loaded, then quiet (no console error) for
`settle_ms`, with a hard cap so a page that logs forever still gets a report."""

from __future__ import annotations

import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QTimer, QUrl

from desktop.core.checking.judge import CHECK_PENDING, CHECK_RESULT_JS, CHECK_WAIT_MS
from desktop.core.checking.self_test import SelfTest, unfinished
from desktop.core.runtime.val_server import ValRuntimeError, ValServer
from desktop.ui.app import make_application

LOAD_TIMEOUT_MS = 15000
SETTLE_CAP_MS = 5000


@dataclass
class PageReport:
    target: str
    loaded: bool
    title: str = ""
    text_length: int = 0
    uncaught_errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)  # a val's, with their stacks
    refused: list[str] = field(default_factory=list)  # what the sandbox stopped it doing
    more_errors: int = 0  # errors past the first hundred of each kind, counted only
    load_ms: float = 0.0
    probe: object = None  # what the `probe` script returned (evals' functional checks)
    screenshot: bytes | None = field(default=None, repr=False)  # PNG, when asked for

    @property
    def threw(self) -> bool:
        """Failed: it did not load, threw, its server failed, or it tried what the
        sandbox refuses (another program's URL, flooding its own document)."""
        return not self.loaded or bool(self.uncaught_errors or self.server_errors
                                       or self.refused)

    def as_dict(self) -> dict:
        return {**asdict(self), "screenshot": None, "threw": self.threw}

    def summary(self) -> str:
        lines = [f"{self.target}: " + ("loaded" if self.loaded else "did not load"),
                 f"  title: {self.title or '(none)'}",
                 f"  visible text: {self.text_length} characters"]
        lines += [f"  uncaught error: {e}" for e in self.uncaught_errors]
        lines += [f"  console error: {e}" for e in self.console_errors]
        lines += [f"  server error: {e}" for e in self.server_errors]
        lines += [f"  refused: {e}" for e in self.refused]
        if self.more_errors:
            lines.append(f"  …and {self.more_errors:,} more errors")
        if not (self.uncaught_errors or self.console_errors or self.server_errors):
            lines.append("  no errors")
        return "\n".join(lines)


def _wait(condition, timeout_ms: int) -> bool:
    loop = QEventLoop()
    deadline = time.monotonic() + timeout_ms / 1000
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: loop.quit() if condition() or time.monotonic() > deadline
                          else None)
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()
    return condition()


def _evaluate(view, script: str):
    box: list = []
    view.page().runJavaScript(script, 0, box.append)
    _wait(lambda: bool(box), 3000)
    return box[0] if box else None


def _await_check(view) -> object:
    """The answer of a check that needs time (it returned a Promise)."""
    deadline = time.monotonic() + CHECK_WAIT_MS / 1000
    while time.monotonic() < deadline:
        answer = _evaluate(view, CHECK_RESULT_JS)
        if answer != CHECK_PENDING:
            return answer
        _wait(lambda: False, 100)
    return "the check never answered"


def self_test(code: str, instruction: str = "", val: bool = False, url: str = "") -> SelfTest:
    """Exercise the page (or val, or the page at `url`) in a hidden copy, as the window does
    after a page settles, and say what it found."""
    make_application(headless=True)
    from desktop.ui.preview.self_test import RUN_CAP_MS, SelfTestRunner

    runner = SelfTestRunner()
    results: list[SelfTest] = []
    runner.finished.connect(lambda result, _tag: results.append(result))
    if url:
        runner.run_url(url, instruction)
    else:
        (runner.run_val if val else runner.run)(code, instruction)
    _wait(lambda: bool(results), RUN_CAP_MS + 5000)
    runner.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return results[0] if results else unfinished("The self-test never answered")


def check_val(path: Path, settle_ms: int = 600) -> PageReport:
    """Start the val under Deno (with a scratch data folder), load its page, and report
    the page's errors and the server's."""
    with tempfile.TemporaryDirectory(prefix="keystroke-check-val-") as sandbox:
        server = ValServer(Path(sandbox))
        try:
            url = server.start(path.read_text(encoding="utf-8"))
        except ValRuntimeError as exc:
            return PageReport(str(path), loaded=False, server_errors=[str(exc)])
        try:
            report = check_page(url, settle_ms)
            time.sleep(0.2)  # Deno's stderr trails the response a little
            # The browser asks for /favicon.ico too: the same error twice says nothing new.
            report.server_errors = list(dict.fromkeys(e.stack or e.message
                                                      for e in server.errors))
        finally:
            server.stop()
    report.target = str(path)
    return report


def check_page(target: str, settle_ms: int = 600, probe: str = "",
               capture: bool = False) -> PageReport:
    """`probe`: a script whose result is kept (after the page settled); `capture`: keep a
    PNG of the settled page (before the probe clicks anything)."""
    make_application(headless=True)
    from desktop.ui.preview.view import HANG_MS, PING_MS, PreviewView
    from desktop.ui.projects.history_panel import screenshot_png

    view = PreviewView()
    view.resize(1024, 768)
    view.show()
    finished: list[bool] = []
    view.loadFinished.connect(finished.append)
    started = time.monotonic()
    path = Path(target)
    if "://" not in target:
        view.show_html(path.read_text(encoding="utf-8", errors="replace"))
    else:
        view.load(QUrl(target))
    _wait(lambda: bool(finished), LOAD_TIMEOUT_MS)
    report = PageReport(target, loaded=bool(finished) and finished[-1],
                        load_ms=(time.monotonic() - started) * 1000)
    if report.loaded:
        cap = time.monotonic() + SETTLE_CAP_MS / 1000
        while time.monotonic() < cap:
            seen = view.report.total
            _wait(lambda: False, settle_ms)  # let the page run for a while
            if view.report.total == seen:
                break
        title = _evaluate(view, "document.title")
        if title is None:  # no answer: a page that hangs is stopped within HANG_MS
            _wait(lambda: view.hung, HANG_MS + 2 * PING_MS)
        report.title = title or ""
        report.text_length = int(_evaluate(
            view, "document.body ? document.body.innerText.trim().length : 0") or 0)
        if capture:
            report.screenshot = screenshot_png(view, view.size())
        if probe:
            report.probe = _evaluate(view, probe)
            if report.probe == CHECK_PENDING:
                report.probe = _await_check(view)
            _wait(lambda: False, 200)  # errors the probe's clicks caused arrive
    report.uncaught_errors = list(view.report.uncaught)
    report.console_errors = list(view.report.console_errors)
    report.more_errors = view.report.more
    report.refused = list(dict.fromkeys(view.report.refused))
    view.close()
    view.deleteLater()  # the page (and its profile) must go before the app does
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    return report
