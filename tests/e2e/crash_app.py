"""A real Keystroke window in its own process, for the crash-recovery test.

`work`: commit two versions, edit the code by hand, type an instruction and start a slow
generation, print READY, and wait to be killed. `reopen`: start again and print, as JSON,
what the window brought back."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from desktop.ui.app import make_application

app = make_application(headless=True)

from desktop.core.settings import Settings  # noqa: E402
from desktop.core.store import Store  # noqa: E402
from desktop.ui.window.main_window import MainWindow  # noqa: E402
from tests.fakes.scripted_provider import ScriptedProvider  # noqa: E402


def spin_until(condition, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.01)


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    spin_until(lambda: time.monotonic() > end, seconds + 1)


def draft_saved() -> bool:
    """The draft on disk holds what was typed (read through a connection of our own)."""
    store = Store()
    try:
        draft = store.draft(window.session.project.id)
    finally:
        store.close()
    return draft is not None and draft.instruction == "make it purple" and \
        "<!-- my edit -->" in draft.code


provider = ScriptedProvider(delay_s=0.01)
window = MainWindow(Settings(debounce_ms=100, strong_model_id=""), provider=provider)
window.show()
spin_until(lambda: not window.prompt.isReadOnly())

if sys.argv[1] == "work":
    for n, instruction in enumerate(["first version", "second version"], 1):
        window.prompt.setPlainText(instruction)
        spin_until(lambda: not window.loop.busy and window.loop.draft is not None)
        window.loop.commit()
        spin_until(lambda n=n: window.history.list.count() == n)
    window.editor.setPlainText(window.editor.toPlainText() + "<!-- my edit -->\n")
    spin_until(lambda: "<!-- my edit -->" in window.loop.base_code)
    provider.delay_s = 2.0  # a generation that is still running when the kill comes
    window.prompt.setPlainText("make it purple")
    spin_until(lambda: len(provider.requests) == 3)
    spin_until(draft_saved, 5)  # autosave wrote the prompt and the hand edit
    print("READY", flush=True)
    spin(120)
else:
    spin(0.5)
    print(json.dumps({
        "versions": [window.history.list.item(i).text().split("\n")[0]
                     for i in range(window.history.list.count())],
        "prompt": window.prompt.toPlainText(),
        "editor": window.editor.toPlainText(),
        "banner": window.banner.text() if window.banner.isVisible() else "",
    }), flush=True)
    window.close()
