"""A real Keystroke window that is typed into without pauses until it is killed.

The crash-loss test and `bench/crash_loss.py` SIGKILL it at random moments and compare what
it printed (each keystroke, with its time) to what the data folder holds afterwards.

    python tests/e2e/crash_typist.py prompt|editor|enter

`prompt`: types an instruction into the prompt, one key every KEY_INTERVAL_S, forever.
`editor`: keeps one version, then types into the code editor the same way.
`enter`: types "step N.", looks at its draft for LOOK_S, presses Enter and at once types
the next.

`measure` runs it in a data folder, kills it after a delay and says what was lost.

Lines printed: `READY`, then `K <count> <time>` after each key (`count` keys typed so far in
this field) and `E <n> <time>` after each Enter (n versions kept); times are
time.monotonic(), which the parent process shares on Linux."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from desktop.core.store.database import DB_NAME, Store  # noqa: E402

KEY_INTERVAL_S = 0.14  # a steady 7 keys a second, never a 600 ms pause
TEXT = "a habit tracker with a weekly grid and streak counts for every habit " * 40
EDITOR_MARK = "<!-- notes: "
LOOK_S = 0.8  # `enter`: a look at each draft before Enter, then straight on to the next
MODES = ("prompt", "editor", "enter")


@dataclass
class Outcome:
    mode: str
    keys_typed: int
    keys_lost: int
    seconds_lost: float
    versions_kept: int  # Enter pressed at least 0.2 s before the kill
    versions_lost: int
    behind: bool  # the draft builds on an older version than the newest kept
    kept_prompt: bool  # the draft's instruction is one already kept (it would show again)


def kill_at_random(mode: str, home: Path, delay_s: float) -> tuple[list[str], float]:
    """Run the typist, SIGKILL it `delay_s` after READY; its printed lines and the kill time."""
    env = {**os.environ, "KEYSTROKE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    lines: list[str] = []
    with subprocess.Popen([sys.executable, __file__, mode], env=env, cwd=REPO,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            while (line := proc.stdout.readline()).strip() != "READY":
                if not line:
                    raise SystemExit("the typist did not start")
                lines.append(line)
            reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")))
            reader.start()
            time.sleep(delay_s)
            killed_at = time.monotonic()
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            reader.join(timeout=10)
        finally:
            if proc.poll() is None:
                proc.kill()
    return [line.split() for line in lines if line.strip()], killed_at


def saved_keys(mode: str, draft) -> int:
    """How many of the typed keys the draft on disk holds."""
    if draft is None:
        return 0
    if mode == "prompt":
        typed = draft.instruction
    else:
        at = draft.code.find(EDITOR_MARK)
        typed = draft.code[at + len(EDITOR_MARK):] if at >= 0 else ""
    return len(typed) if TEXT.startswith(typed) else 0


def measure(mode: str, home: Path, delay_s: float) -> Outcome:
    events, killed_at = kill_at_random(mode, home, delay_s)
    keys = [(int(n), float(t)) for kind, n, t in events if kind == "K"]
    enters = [(int(n), float(t)) for kind, n, t in events if kind == "E"]
    store = Store(home / DB_NAME)
    try:
        project = store.list_projects()[0] if store.list_projects() else None
        versions = store.versions(project.id) if project else []
        draft = store.draft(project.id) if project else None
    finally:
        store.close()
    behind = bool(versions) and draft is not None and draft.base_version_id != versions[0].id
    kept_prompt = draft is not None and draft.instruction in {v.instruction for v in versions}
    if mode == "enter":
        kept = sum(1 for _n, t in enters if t < killed_at - 0.2)
        return Outcome(mode, 0, 0, 0.0, kept, max(0, kept - len(versions)), behind,
                       kept_prompt)
    typed = keys[-1][0] if keys else 0
    saved = min(saved_keys(mode, draft), typed)
    lost_s = killed_at - keys[saved][1] if saved < typed else 0.0
    kept = 1 if mode == "editor" else 0
    return Outcome(mode, typed, typed - saved, lost_s, kept, max(0, kept - len(versions)),
                   behind, kept_prompt)


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
            keep(f"step {n}.", n, look_s=LOOK_S)


if __name__ == "__main__":
    main(sys.argv[1])
