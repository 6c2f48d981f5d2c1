from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt

from desktop.core.settings import Settings
from desktop.ui.window.main_window import MainWindow
from tests.fakes.scripted_provider import ScriptedProvider


@pytest.fixture
def provider() -> ScriptedProvider:
    return ScriptedProvider(chunks=12, delay_s=0.03)


def close_and_delete(win) -> None:
    """Delete the window (and so its preview page) before the next test, as the app does."""
    win.close()
    win.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def open_window(qtbot, settings: Settings, **kwargs) -> MainWindow:
    """A shown window whose project (and its draft) has loaded: ready to type into."""
    win = MainWindow(settings, **kwargs)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: not win.prompt.isReadOnly(), timeout=5000)
    return win


def shown_preview(qtbot, html: str, width: int = 800, height: int = 600):
    """A preview on its own, shown, with `html` loaded (not yet deleted: the caller closes
    it with close_and_delete)."""
    from desktop.ui.preview.view import PreviewView

    view = PreviewView()
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    with qtbot.waitSignal(view.page_shown, timeout=10000):
        view.show_html(html)
    return view


def window_with_a_version(qtbot, provider: ScriptedProvider, instruction: str) -> MainWindow:
    """A window (no completions, no strong tier) whose first kept version is what
    `provider` answers to `instruction`."""
    from tests.ui.test_history import commit

    window = open_window(qtbot, Settings(debounce_ms=100, strong_model_id="",
                                         completions=False), provider=provider)
    commit(qtbot, window, instruction)
    return window


@pytest.fixture
def window(qtbot, provider):
    win = open_window(qtbot, Settings(debounce_ms=200, strong_model_id=""), provider=provider)
    yield win
    close_and_delete(win)


class PreviewReader:
    def __init__(self, qtbot, view) -> None:
        self.qtbot, self.view = qtbot, view

    def text(self) -> str:
        box: list = []
        self.view.page().runJavaScript("document.body ? document.body.innerText : ''", 0,
                                       box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=5000)
        return box[0] or ""

    def wait_for_text(self, needle: str, timeout: int = 10000) -> None:
        """Ask for the page's text until it holds `needle`: a question asked while a new
        renderer starts (another origin, a crash, a hang stopped) may go unanswered, so a
        new one goes out every half second while none comes back."""
        answers: list = []
        asked = {"count": 0, "at": 0.0}

        def said() -> bool:
            if any(needle in (answer or "") for answer in answers):
                return True
            waiting = asked["count"] > len(answers)
            if not waiting or time.monotonic() - asked["at"] > 0.5:
                asked["count"] += 1
                asked["at"] = time.monotonic()
                self.view.page().runJavaScript(
                    "document.body ? document.body.innerText : ''", 0, answers.append)
            return False

        self.qtbot.waitUntil(said, timeout=timeout)


@pytest.fixture
def preview(qtbot, window) -> PreviewReader:
    return PreviewReader(qtbot, window.preview)


def type_slowly(qtbot, widget, text: str, gap_ms: int) -> None:
    for char in text:
        qtbot.keyClick(widget, char)
        qtbot.wait(gap_ms)


def press(qtbot, widget, key: Qt.Key) -> None:
    qtbot.keyClick(widget, key)
