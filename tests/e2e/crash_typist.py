"""A real Keystroke window that is typed into without pauses until it is killed.

The crash-loss test and `bench/crash_loss.py` SIGKILL it at random moments and compare what
it printed (each keystroke, with its time) to what the data folder holds afterwards.

    python tests/e2e/crash_typist.py prompt|editor|enter

`prompt`: types an instruction into the prompt, one key every KEY_INTERVAL_S, forever.
`editor`: keeps one version, then types into the code editor the same way.
`enter`: types "step N", looks at its draft for LOOK_S, presses Enter and at once types
the next.

Lines printed: `READY`, then `K <count> <time>` after each key (`count` keys typed so far in
this field) and `E <n> <time>` after each Enter (n versions kept); times are
time.monotonic(), which the parent process shares on Linux."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

KEY_INTERVAL_S = 0.14  # a steady 7 keys a second, never a 600 ms pause
TEXT = "a habit tracker with a weekly grid and streak counts for every habit " * 40
EDITOR_MARK = "<!-- notes: "
LOOK_S = 0.8  # `enter`: a look at each draft before Enter, then straight on to the next


def main(mode: str) -> None:
    from desktop.ui.app import make_application

    app = make_application(headless=True)
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow
    from tests.fakes.scripted_provider import ScriptedProvider

    def spin_until(condition, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > end:
                raise SystemExit("timed out")
            app.processEvents()
            time.sleep(0.005)

    def wait_until(moment: float) -> None:
        spin_until(lambda: time.monotonic() >= moment)

    def type_forever(widget) -> None:
        widget.setFocus()
        for count, char in enumerate(TEXT, 1):
            next_key = time.monotonic() + KEY_INTERVAL_S
            QTest.keyClick(widget, char)
            print(f"K {count} {time.monotonic():.4f}", flush=True)
            wait_until(next_key)

    def keep(instruction: str, versions: int, look_s: float = 0.0) -> None:
        window.prompt.setFocus()
        for char in instruction:
            next_key = time.monotonic() + KEY_INTERVAL_S
            QTest.keyClick(window.prompt, char)
            wait_until(next_key)
        spin_until(lambda: not window.loop.busy and window.loop.draft is not None
                   and provider.completed[-1:] == [instruction])
        wait_until(time.monotonic() + look_s)
        QTest.keyClick(window.prompt, Qt.Key.Key_Return)
        print(f"E {versions} {time.monotonic():.4f}", flush=True)

    provider = ScriptedProvider(delay_s=0.005)
    window = MainWindow(Settings(strong_model_id=""), provider=provider)
    window.show()
    spin_until(lambda: not window.prompt.isReadOnly())
    if mode == "prompt":
        print("READY", flush=True)
        type_forever(window.prompt)
    elif mode == "editor":
        keep("a page to take notes on", 1)
        spin_until(lambda: window.history.list.count() == 1 and window.editor.toPlainText())
        cursor = window.editor.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        window.editor.setTextCursor(cursor)
        window.editor.setFocus()
        QTest.keyClicks(window.editor, EDITOR_MARK)
        spin_until(lambda: EDITOR_MARK in window.loop.base_code)
        print("READY", flush=True)
        type_forever(window.editor)
    else:
        print("READY", flush=True)
        for n in range(1, 1000):
            keep(f"step {n}", n, look_s=LOOK_S)


if __name__ == "__main__":
    main(sys.argv[1])
