"""`keystroke snapshot`: the real main window, rendered offscreen, saved as a PNG."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from desktop.core.settings import Settings
from desktop.ui.app import make_application

PAINT_DELAY_MS = 400  # QtWebEngine paints a moment after loadFinished


def _spin(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def take_snapshot(file: Path | None, prompt: str | None, model: str, output: Path) -> int:
    make_application(headless=True)
    from desktop.ui.window.main_window import MainWindow

    settings = Settings.load()
    scratch = Path(tempfile.mkdtemp(prefix="keystroke-snapshot-"))  # not the user's history
    window = MainWindow(settings, model_override=model, autoload=bool(prompt),
                        store_path=scratch / "snapshot.db")
    window.resize(1400, 860)
    window.show()
    # The project opens on the store's thread and then shows its own code: the file goes
    # in only after that, or the opened project would cover it.
    _wait_for(lambda: not window.prompt.isReadOnly(), 30)
    if file is not None:
        code = file.read_text(encoding="utf-8")
        window.editor.set_code_quietly(code)
        window.loop.code_edited_by_hand(code)
        shown: list = []
        window.preview.page_shown.connect(lambda *a: shown.append(a))
        window.preview.show_html(code)
        _wait_for(lambda: bool(shown), 15)
    else:
        if not _wait_for(lambda: window.engine.local is not None, 600):
            print("keystroke: the model did not load: " + window.banner.text(), file=sys.stderr)
            return 1
        results: list = []
        window.loop.result_ready.connect(results.append)
        window.prompt.setPlainText(prompt)  # as if typed: the same path as keystrokes
        _wait_for(lambda: bool(results) and not window.loop.busy, 600)
        _spin(1000)  # let the final page load
    _spin(PAINT_DELAY_MS)
    output.parent.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(output))
    window.close()
    shutil.rmtree(scratch, ignore_errors=True)
    if not ok:
        print(f"keystroke: could not write {output}", file=sys.stderr)
        return 1
    print(output)
    return 0


def _wait_for(condition, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        _spin(50)
    return condition()
