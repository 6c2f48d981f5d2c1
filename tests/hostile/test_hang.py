"""A hostile page loops forever after it loaded. The preview used to stay frozen for the
rest of the session (no later version showed) and `keystroke check` passed it; now the
hang is found within seconds, the renderer is stopped, and the next version shows."""

from __future__ import annotations

import time

from desktop.cli.main import main
from desktop.ui.preview.view import HANG_MS
from tests.fakes.scripted_provider import page_for

HANGS = """<!DOCTYPE html><html><body><p>about to hang</p><script>
setTimeout(() => { while (true) {} }, 300);
</script></body></html>"""


def test_a_page_that_hangs_is_stopped_and_the_next_version_shows(qtbot, window, preview):
    started = time.monotonic()
    window.host.load(HANGS)
    qtbot.waitUntil(lambda: "stopped answering" in window.error_bar.label.text(),
                    timeout=HANG_MS + 6000)
    assert time.monotonic() - started < HANG_MS / 1000 + 3
    with qtbot.waitSignal(window.preview.page_shown, timeout=20000):  # a new renderer
        window.host.load(page_for("life after the hang"))
    preview.wait_for_text("life after the hang", timeout=20000)
    assert not window.error_bar.isVisible()


def test_keystroke_check_fails_a_page_that_hangs(tmp_path, capsys):
    page = tmp_path / "hangs.html"
    page.write_text(HANGS, encoding="utf-8")
    assert main(["check", str(page)]) == 1
    assert "stopped answering" in capsys.readouterr().out
