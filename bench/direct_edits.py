"""Direct edits (no model): how long from a change in the style panel, or text typed into
the preview, until the source holds it and the preview shows it.

Runs the real window offscreen with no model, the pomodoro app as the base and its Start
button picked. Each round sets the panel's font size (as a drag does, one step at a time)
and, separately, writes new text into the button as the preview's in-place editor reports
it. "Source" is when the editor and the base hold the change; "preview" is when the DOM
patch that carries it has been applied in the page. The baseline, in the same run: loading
the same changed page afresh, as a hand edit in the editor does.

    python bench/direct_edits.py [--rounds N]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from PySide6.QtCore import QEventLoop

from desktop.core.generation.scoped import Scope
from desktop.core.settings import Settings
from desktop.ui.app import make_application

APP = (Path(__file__).resolve().parent / "fim_apps" / "pomodoro.html").read_text(encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    app = make_application(headless=True)
    from desktop.ui.window.main_window import MainWindow

    def wait(condition, timeout_s: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout_s
        while not condition() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return condition()

    window = MainWindow(Settings(strong_model_id="", completions=False), autoload=False)
    window.resize(1400, 820)
    window.show()
    wait(lambda: not window.prompt.isReadOnly())
    shown: list[float] = []
    window.preview.page_shown.connect(lambda _tag, _ms: shown.append(time.perf_counter()))
    window.loop.set_base(APP)
    wait(lambda: bool(shown))
    window.loop.set_scope(Scope.parse(APP, "#start"))
    wait(window.scoping.style_panel.isVisible)

    def timed(change, expect) -> tuple[float, float]:
        before = len(shown)
        started = time.perf_counter()
        change()
        in_source = time.perf_counter() if expect() else float("nan")
        wait(lambda: len(shown) > before)
        return (in_source - started) * 1000, (shown[-1] - started) * 1000

    style, text, reload = [], [], []
    font = window.scoping.style_panel.sizes["font-size"]
    for step in range(args.rounds):
        size = 20 + step % 10
        style.append(timed(lambda s=size: font.setValue(s),
                           lambda s=size: f"font-size: {s}px" in window.loop.base_code))
        scope = window.loop.scope
        label = f"Go {step}"
        current = window.loop.base_code[scope.start:scope.end]
        old_text = current[current.index(">") + 1:current.rindex("<")]
        text.append(timed(
            lambda s=scope, o=old_text, n=label: window.scoping.picker.text_edited.emit(
                s.start, s.end, o, n),
            lambda n=label: f">{n}</button>" in window.loop.base_code))
        code = window.loop.base_code
        reload.append(timed(lambda c=code: window.preview.show_html(c), lambda: True))
    window.close()

    def row(name: str, figures: list[tuple[float, float]]) -> float:
        source = statistics.median(f[0] for f in figures)
        preview = statistics.median(f[1] for f in figures)
        worst = sorted(f[1] for f in figures)[max(0, math.ceil(0.95 * len(figures)) - 1)]
        print(f"{name:34} {source:9.1f} {preview:11.1f} {worst:11.1f}")
        return preview

    print(f"{args.rounds} rounds on the pomodoro app, its Start button picked")
    print(f"{'':34} {'source ms':>9} {'preview p50':>11} {'preview p95':>11}")
    styled = row("style panel: font size", style)
    typed = row("text typed into the preview", text)
    baseline = row("baseline: the page loaded afresh", reload)
    print(f"\npatched preview ÷ fresh load: style {styled / baseline:.2f}, text "
          f"{typed / baseline:.2f}")


if __name__ == "__main__":
    main()
