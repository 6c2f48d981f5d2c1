"""A hostile page builds a DOM too deep to lay out and takes the renderer down. The window
used to show a blank preview and say nothing; now the error bar says so, and the next
version shows as usual. `keystroke check` reports it and exits 1."""

from __future__ import annotations

from desktop.cli.main import main
from tests.fakes.scripted_provider import page_for

DEEP = """<!DOCTYPE html><html><body><script>
let node = document.body;
for (let i = 0; i < 200000; i++) { const d = document.createElement('div');
  node.appendChild(d); node = d; }
node.textContent = 'deep'; document.body.offsetHeight;
</script></body></html>"""


def test_a_crashed_renderer_is_reported_and_the_next_version_shows(qtbot, window, preview):
    window.host.load(DEEP)
    qtbot.waitUntil(window.error_bar.isVisible, timeout=30000)
    assert "took the preview down: its renderer crashed" in window.error_bar.label.text()
    window.host.load(page_for("a calm page"))
    preview.wait_for_text("a calm page", timeout=30000)
    assert not window.error_bar.isVisible()


def test_keystroke_check_reports_the_crash(tmp_path, capsys):
    page = tmp_path / "deep.html"
    page.write_text(DEEP, encoding="utf-8")
    assert main(["check", str(page)]) == 1
    assert "took the preview down" in capsys.readouterr().out
