"""What is on the preview, and what is wrong with it.

Loads a finished page (or starts a val under Deno and loads its URL), collects the errors
that page produces — uncaught, console.error, the val's server errors, a blank page — into
the error bar, and turns Fix it (or, with the auto-fix setting, the errors themselves) into
a `fix_requested` for the keystroke loop.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWebEngineCore import QWebEngineScript
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.core.generation.kinds import is_val
from desktop.core.routing.commit import AUTO_FIX_TRIES, page_threw, val_failed
from desktop.core.settings import Settings
from desktop.ui.preview.error_bar import ErrorBar
from desktop.ui.preview.val_preview import ValPreview
from desktop.ui.preview.view import PreviewView
from desktop.ui.projects.history_panel import screenshot_png

AUTO_FIX_DELAY_MS = 800  # let the page's other errors arrive first
BLANK_CHECK_MS = 400  # after a page loads, before asking whether anything is visible
PAGE_VISIBLE_JS = """(() => {
  const body = document.body;
  if (!body) return false;
  if (body.innerText.trim().length > 0) return true;
  return [...body.querySelectorAll('canvas,svg,img,video,input,button,select,textarea,iframe')]
    .some(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0);
})()"""


WELCOME_PAGE = """<!DOCTYPE html><html><head><style>
body{font-family:system-ui,sans-serif;color:#556;display:grid;place-items:center;height:90vh}
div{text-align:center}h1{font-weight:600;color:#334}</style></head><body><div>
<h1>Your app appears here</h1><p>Type what you want above, e.g.
<em>a pomodoro timer with a start button</em>.</p></div></body></html>"""


class PreviewHost(QObject):
    # errors, auto-fix's try number (None: Fix it was clicked), screenshot PNG or None
    fix_requested = Signal(list, object, object)
    # The page threw (uncaught) or the val's server failed, in a route reason's words.
    app_failed = Signal(str)
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
        self._fixable = False
        self._auto_fix_armed = False
        self._auto_fixes = 0
        self._blank_check = QTimer(self, singleShot=True, interval=BLANK_CHECK_MS)
        self._blank_check.timeout.connect(self._check_blank)
        self._auto_fix_timer = QTimer(self, singleShot=True, interval=AUTO_FIX_DELAY_MS)
        self._auto_fix_timer.timeout.connect(self._auto_fix)
        self.preview.page_shown.connect(self._on_page_shown)
        self.preview.error_logged.connect(self._page_error)
        self.preview.uncaught_error.connect(lambda message: self._app_failed(page_threw(message)))
        self.val_preview.ready.connect(self._val_ready)
        self.val_preview.server_error.connect(self._page_error)
        self.val_preview.server_error.connect(
            lambda message: self._app_failed(val_failed(message)))
        self.error_bar.fix_requested.connect(self._fix)

    def load(self, code: str, tag: object = None, fixable: bool = True) -> None:
        """Show a finished page or val. With `fixable`, its errors (and a blank page) go to
        the error bar, whose Fix it works on the code the next instruction builds on; an
        old version being looked at, or the welcome page, is not that."""
        self.error_bar.clear()
        self._blank_check.stop()
        self._final_tag = tag if tag is not None else object()
        self._fixable = fixable
        if is_val(code):
            self.state.emit("Starting the val under Deno…")
            self.val_preview.run(code, self._sandbox(), self._final_tag)
        else:
            self.preview.show_html(code, self._final_tag)

    def show_welcome(self) -> None:
        """What a new project shows before its first app (nothing to fix there)."""
        self.load(WELCOME_PAGE, fixable=False)

    def commit_made(self, a_fix: bool) -> None:
        """A version was kept: with the auto-fix setting, its errors get fixed (a fix's own
        version continues the two tries of the change it fixes)."""
        if not a_fix:
            self._auto_fixes = 0
        self._auto_fix_armed = self.settings.auto_fix

    def disarm_auto_fix(self, *_args) -> None:
        """The person is typing or editing: they take over."""
        self._auto_fix_armed = False
        self._auto_fix_timer.stop()

    def _val_ready(self, url: str, tag: object) -> None:
        if tag is self._final_tag:
            self.preview.show_url(url, tag)
            self.state.emit(f"The val runs at {url}")

    def _on_page_shown(self, tag: object, _ms: float) -> None:
        if tag is self._final_tag and self._fixable:
            self._blank_check.start()

    def _app_failed(self, failure: str) -> None:
        if self._fixable:
            self.app_failed.emit(failure)

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

    def _check_blank(self) -> None:
        """A page that shows nothing is broken too: the model may have hidden everything or
        built it all from a script that failed quietly."""
        def seen(visible) -> None:
            if visible is False:
                self._page_error("The page is blank: nothing is visible.")

        self.preview.page().runJavaScript(PAGE_VISIBLE_JS, QWebEngineScript.ScriptWorldId.
                                          ApplicationWorld, seen)

    def _fix(self, errors: list[str]) -> None:
        self._auto_fix_armed = False  # the user took over
        self.error_bar.fixing()
        # What the user sees goes along: a model that can see (Claude) gets the picture.
        self.fix_requested.emit(errors, None, screenshot_png(self.preview))

    def close(self) -> None:
        self.val_preview.stop()
