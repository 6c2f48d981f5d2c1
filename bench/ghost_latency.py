"""Ghost text in the real window: how long after the typing pause a suggestion shows.

Opens the real main window offscreen with the default local model, puts a generated app in
the editor, and types at a human pace where a person would want a suggestion (after
`addEventListener(` and then character by character into it), pressing Esc between
suggestions so each keystroke asks anew. Prints, per keystroke, the time from the end of
the pause (completion_delay_ms after the last key) to the ghost text on screen, and what it
showed. The first is cold (a new file for the completion context); the rest are warm.

    python bench/ghost_latency.py [--keys 6] [--gap-ms 120]

A benchmark prints figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))

from desktop.ui.app import make_application

APP = Path(__file__).resolve().parent / "fim_apps" / "countdown.html"
MARK = "document.getElementById('start').addEventListener("


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=6, help="warm keystrokes after the first")
    parser.add_argument("--gap-ms", type=int, default=120, help="between typed characters")
    args = parser.parse_args()
    app = make_application(headless=True)
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow

    def spin(until, seconds: float) -> bool:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end and not until():
            app.processEvents()
            time.sleep(0.002)
        return until()

    settings = Settings(strong_model_id="")
    window = MainWindow(settings)
    window.show()
    if not spin(lambda: window.completions.completer is not None, 300):
        print("completions did not start:", window.status.completion_label.toolTip())
        return
    code = APP.read_text(encoding="utf-8")
    cut = code.index(MARK) + len(MARK) - len("Listener(")
    window.loop.set_base(code[:cut] + code[code.index("\n", cut):])
    window.editor.setFocus()
    window.activateWindow()
    spin(window.editor.hasFocus, 5)
    cursor = window.editor.textCursor()
    cursor.setPosition(cut)
    window.editor.setTextCursor(cursor)
    shown: list[float] = []
    window.completions.shown.connect(lambda _completion: shown.append(time.perf_counter()))
    print(f"{window.status.completion_label.text()}; pause {settings.completion_delay_ms} ms; "
          f"{args.gap_ms} ms between keys\n")
    print("| typed | after the pause | ghost text |\n|---|---|---|")
    warm = []
    for index, typed in enumerate(["Listener(", *"'click'"[: args.keys]]):
        if window.editor.ghost.active:
            QTest.keyClick(window.editor, Qt.Key.Key_Escape)
        before = len(shown)
        for char in typed:
            QTest.keyClick(window.editor, char)
            spin(lambda: False, args.gap_ms / 1000)
        last_key = time.perf_counter() - args.gap_ms / 1000
        if not spin(lambda count=before: len(shown) > count, 30):
            print(f"| `{typed}` | no suggestion | |")
            continue
        ms = (shown[-1] - last_key) * 1000 - settings.completion_delay_ms
        if index:
            warm.append(ms)
        print(f"| `{typed}` | {ms:.0f} ms{'' if index else ' (cold)'} | "
              f"`{window.editor.ghost.text.splitlines()[0][:40]}` |")
        spin(lambda: False, 0.5)
    if warm:
        print(f"\nwarm: median {statistics.median(warm):.0f} ms, max {max(warm):.0f} ms "
              f"over {len(warm)} keystrokes")
    window.close()


if __name__ == "__main__":
    main()
