"""What is on the preview, and what is wrong with it.

Loads a finished page (or starts a val under Deno and loads its URL), collects the errors
that page produces — uncaught, console.error, the val's server errors — into the error bar,
has the settled page self-tested in a hidden copy (ui/preview/self_test.py: a control that
does nothing, a blank page, a button that throws), and turns Fix it (or, with the auto-fix
setting, the problems themselves) into a `fix_requested` for the keystroke loop. A fix whose
page tests no better than the one it fixed is reported by `fix_not_better`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.checking.self_test import SelfTest
from desktop.core.generation.kinds import is_val
from desktop.core.routing import commit
from desktop.core.routing.commit import AUTO_FIX_TRIES
from desktop.core.settings import Settings
from desktop.ui.preview.error_bar import ErrorBar
from desktop.ui.preview.self_test import SelfTestRunner
from desktop.ui.preview.val_preview import ValPreview
from desktop.ui.preview.view import PreviewView
from desktop.ui.projects.history_panel import screenshot_png

AUTO_FIX_DELAY_MS = 800  # let the page's other errors arrive first
SETTLE_MS = 300  # after a page loads, before trying it out (its own start-up runs first)


WELCOME_PAGE = """<!DOCTYPE html><html><head><style>
body{font-family:system-ui,sans-serif;color:#556;display:grid;place-items:center;height:90vh}
div{text-align:center}h1{font-weight:600;color:#334}</style></head><body><div>
<h1>Your app appears here</h1><p>Type what you want above, e.g.
<em>a pomodoro timer with a start button</em>.</p></div></body></html>"""


class PreviewHost(QObject):
    # errors, auto-fix's try number (None: Fix it was clicked), screenshot PNG or None
    fix_requested = Signal(list, object, object)
    # The page threw, the val's server failed or the self-test found a problem: in a route
    # reason's words, and what was found.
    app_failed = Signal(str, list)
    tested = Signal(str, object)  # the code of the page on screen, its SelfTest
    fix_not_better = Signal(str, str)  # a fix tested no better: why, the code it fixed
    state = Signal(str)  # a line for the status bar

    def __init__(self, settings: Settings, model_bridge_url: str,
                 sandbox: Callable[[], Path], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.preview = PreviewView()
        self.error_bar = ErrorBar()
        self.val_preview = ValPreview(model_bridge_url, self)
        self.widget = QWidget()
        column = QVBoxLayout(self.widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.preview, 1)
        column.addWidget(self.error_bar)
        self._sandbox = sandbox
        self._final_tag: object = None
        self._final_code = ""
        self._request = ""  # what the page on screen was asked to be
        self._fixable = False
        self._auto_fix_armed = False
        self._auto_fixes = 0
        self.last_test: tuple[str, SelfTest] | None = None  # code, what its test found
        self._before_load: tuple[str, SelfTest] | None = None  # the page loaded before
        self._fixing_from: tuple[str, SelfTest] | None = None  # what a fix must beat
        self.self_test = SelfTestRunner(self)
        self.self_test.finished.connect(self._tested)
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._start_self_test)
        self._auto_fix_timer = QTimer(self, singleShot=True, interval=AUTO_FIX_DELAY_MS)
        self._auto_fix_timer.timeout.connect(self._auto_fix)
        self.preview.page_shown.connect(self._on_page_shown)
        self.preview.error_logged.connect(self._page_error)
        self.preview.uncaught_error.connect(
            lambda message: self._app_failed(commit.page_threw(message), [message]))
        self.val_preview.ready.connect(self._val_ready)
        self.val_preview.server_error.connect(self._page_error)
        self.val_preview.server_error.connect(
            lambda message: self._app_failed(commit.val_failed(message), [message]))
        self.error_bar.fix_requested.connect(self._fix)

    def load(self, code: str, tag: object = None, fixable: bool = True,
             request: str = "") -> None:
        """Show a finished page or val. With `fixable`, its errors and what its self-test
        finds go to the error bar, whose Fix it works on the code the next instruction
        builds on; an old version being looked at, or the welcome page, is not that.
        `request`: what the page was asked to be (the controls it names must be there)."""
        self.error_bar.clear()
        self._settle.stop()
        self.self_test.stop()
        self._final_tag = tag if tag is not None else object()
        self._fixable = fixable
        if request:  # a hand edit or a restored version: still for the same request
            self._request = request
        if code != self._final_code:
            self._before_load = self.last_test
            self._final_code = code
        if is_val(code):
            self.state.emit("Starting the val under Deno…")
            self.val_preview.run(code, self._sandbox(), self._final_tag)
        else:
            self.preview.show_html(code, self._final_tag)

    def show_welcome(self) -> None:
        """What a new project shows before its first app (nothing to fix there)."""
        self.load(WELCOME_PAGE, fixable=False)

    def commit_made(self, a_fix: bool) -> None:
        """A version was kept: with the auto-fix setting, its problems get fixed (a fix's
        own version continues the two tries of the change it fixes, and must test better
        than the page it fixed)."""
        if not a_fix:
            self._auto_fixes = 0
        self._fixing_from = self._before_load if a_fix else None
        self._auto_fix_armed = self.settings.auto_fix
        if self._fixable and (self.last_test is None or self.last_test[0] != self._final_code):
            self._settle.start()  # typing stopped its test: the version gets its badge
        if self._auto_fix_armed and self.error_bar.errors and self._auto_fixes < AUTO_FIX_TRIES:
            self._auto_fix_timer.start()  # the kept draft's problems, found before Enter

    def disarm_auto_fix(self, *_args) -> None:
        """The person is typing or editing: they take over. Trying out the page about to
        be replaced would only slow the model writing the next one (two cores)."""
        self._auto_fix_armed = False
        self._auto_fix_timer.stop()
        self._settle.stop()
        self.self_test.stop()

    def _val_ready(self, url: str, tag: object) -> None:
        if tag is self._final_tag:
            self.preview.show_url(url, tag)
            self.state.emit(f"The val runs at {url}")

    def _on_page_shown(self, tag: object, _ms: float) -> None:
        if tag is self._final_tag and self._fixable:
            self._settle.start()

    def _start_self_test(self) -> None:
        """The page settled: try it out in the hidden copy (the page on screen is never
        touched)."""
        self.state.emit("Trying the app out…")
        if is_val(self._final_code):
            self.self_test.run_val(self._final_code, self._request, self._final_tag)
        else:
            self.self_test.run(self._final_code, self._request, self._final_tag)

    def _tested(self, result: SelfTest, tag: object) -> None:
        if tag is not self._final_tag or not self._fixable:
            return
        code = self._final_code
        self.last_test = (code, result)
        self.tested.emit(code, result)
        fixed_from, self._fixing_from = self._fixing_from, None
        if fixed_from is not None and fixed_from[0] != code and not commit.fix_is_better(
                fixed_from[1].score(), result.score()):
            self._auto_fix_armed = self._auto_fix_armed and self._auto_fixes < AUTO_FIX_TRIES
            self.fix_not_better.emit(
                f"The fix was not better ({result.badge}; before it: {fixed_from[1].badge}), "
                "so the version before it is back. The attempt stays in History.",
                fixed_from[0])
            return
        if result.works:
            self.state.emit("Nothing to click: the page shows without errors"
                            if not result.controls else
                            f"Tried {result.controls} control"
                            f"{'' if result.controls == 1 else 's'}: the app works")
            return
        self.state.emit(f"Trying the app found: {result.problems[0]}")
        for finding in result.findings:
            if not finding.on_load:  # the preview's own console said those already
                self._page_error(finding.text)
        self._app_failed(commit.found_failure(result.thrown, result.problems), result.problems)

    def _app_failed(self, failure: str, problems: list[str]) -> None:
        if self._fixable:
            self.app_failed.emit(failure, problems)

    def _page_error(self, message: str) -> None:
        if self._fixable:
            self.error_bar.add(message)
            if self._auto_fix_armed and self._auto_fixes < AUTO_FIX_TRIES:
                self._auto_fix_timer.start()

    def _auto_fix(self) -> None:
        """The setting's automatic Fix it: the fast tier first, then the strong one."""
        if not (self._auto_fix_armed and self.error_bar.errors):
            return
        self._auto_fixes += 1
        self.error_bar.fixing()
        self.fix_requested.emit(list(self.error_bar.errors), self._auto_fixes, None)

    def _fix(self, errors: list[str]) -> None:
        self._auto_fix_armed = False  # the user took over
        self.error_bar.fixing()
        # What the user sees goes along: a model that can see (Claude) gets the picture.
        self.fix_requested.emit(errors, None, screenshot_png(self.preview))

    def close(self) -> None:
        self.val_preview.stop()
        self.self_test.close()
