"""A hostile page in the real preview tries to hand a URL to the desktop: a link to an
unknown scheme, clicked by a real mouse (a user gesture), and a script that navigates to
one from the click. Nothing may reach the desktop's URL handlers (xdg-open, ShellExecute);
Qt's own hook, QDesktopServices.setUrlHandler, is where such a URL would arrive."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, Slot
from PySide6.QtGui import QDesktopServices

from desktop.ui.preview.view import PreviewView
from tests.ui.conftest import close_and_delete, shown_preview

SCHEMES = ("ssh", "vscode", "smb", "mailto")

HOSTILE = """<!DOCTYPE html><html><body style="margin:0">
<a id="link" href="ssh://attacker.example/" style="display:block;height:80px">ssh link</a>
<button id="go" style="display:block;height:80px;width:300px">open in VS Code</button>
<a id="mail" href="mailto:someone@example.com" style="display:block;height:80px">mail</a>
<a id="smb" href="smb://attacker.example/share" style="display:block;height:80px">share</a>
<script>
document.addEventListener('click', e => { document.title = 'clicked ' + e.target.id; }, true);
document.getElementById('go').addEventListener('click', () => {
  location = 'vscode://file/etc/passwd';
});
</script></body></html>"""


class Desktop(QObject):
    """Stands where the desktop would receive the URL."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot("QUrl")
    def open(self, url) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def desktop():
    handler = Desktop()
    for scheme in SCHEMES:
        QDesktopServices.setUrlHandler(scheme, handler, "open")
    yield handler
    for scheme in SCHEMES:
        QDesktopServices.unsetUrlHandler(scheme)


def click(qtbot, view: PreviewView, element_id: str) -> None:
    """A real mouse click on the element; tried again until the page saw it (a page that
    has just loaded may not take input yet)."""
    box: list = []
    view.page().runJavaScript(
        f"(() => {{ const r = document.getElementById('{element_id}')"
        ".getBoundingClientRect(); return JSON.stringify([r.x + r.width / 2, "
        "r.y + r.height / 2]); })()", 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    x, y = json.loads(box[0])
    target = view.focusProxy() or view

    def clicked() -> bool:
        if view.title() == f"clicked {element_id}":
            return True
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=QPoint(int(x), int(y)))
        return False

    qtbot.waitUntil(clicked, timeout=5000)


def test_no_click_in_a_page_hands_a_url_to_the_desktop(qtbot, desktop):
    view = shown_preview(qtbot, HOSTILE)
    try:
        refused: list[str] = []
        logged: list[str] = []
        view.navigation_refused.connect(refused.append)
        view.error_logged.connect(logged.append)
        for n, element in enumerate(("link", "go", "mail", "smb"), 1):
            click(qtbot, view, element)
            qtbot.waitUntil(lambda n=n: len(refused) + len(desktop.opened) >= n, timeout=5000)
        assert desktop.opened == []
        assert [url.split(":")[0] for url in refused] == ["ssh", "vscode", "mailto", "smb"]
        assert "would start a program outside Keystroke; it was refused" in logged[0]
        assert view.title() == "clicked smb"  # the page itself stayed
    finally:
        close_and_delete(view)

