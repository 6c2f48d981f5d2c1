"""How long trying an app out takes, after its page settled: the hidden copy loads, every
control is clicked, typed into or chosen, and the findings come back.

Pages: the apps in bench/fim_apps and tests/pages/working (hand-written, 30-150 lines;
timers, lists, forms, tabs; a few of the FIM apps are broken, which the table shows).
The baseline, in the same run and the same hidden view: only loading the page there, which
any check must do. The target (issue 16) is at most 2 s.

    python bench/self_test.py [--rounds N]
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

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop

from desktop.ui.app import make_application

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([*(ROOT / "bench" / "fim_apps").glob("*.html"),
                *(ROOT / "tests" / "pages" / "working").glob("*.html")])


def key(page: Path) -> str:
    return f"{page.parent.name}/{page.name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3, help="runs of every page")
    args = parser.parse_args()
    app = make_application(headless=True)
    from desktop.ui.preview.self_test import SelfTestRunner

    runner = SelfTestRunner()

    def wait(condition, ms: int = 30000) -> None:
        deadline = time.monotonic() + ms / 1000
        while not condition() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    tested: dict[str, list[tuple[float, object]]] = {}
    loaded: dict[str, list[float]] = {}
    shown: list[object] = []  # tags of loads finished in the hidden view
    results: list[object] = []
    runner.view.page_shown.connect(lambda tag, ms: shown.append((tag, ms)))
    runner.finished.connect(lambda result, _tag: results.append(result))
    for _round in range(args.rounds):
        for page in PAGES:
            code = page.read_text(encoding="utf-8")
            shown.clear()
            runner.view.show_html(code, "baseline")  # the baseline: the load alone
            wait(lambda: any(tag == "baseline" for tag, _ms in shown))
            loaded.setdefault(key(page), []).append(shown[0][1])
            results.clear()
            runner.run(code, "", page.name)
            wait(lambda: bool(results))
            tested.setdefault(key(page), []).append((results[0].ms, results[0]))
    print(f"{'page':26s} {'load ms':>8s} {'self-test ms':>13s} {'controls':>9s}  found")
    all_tests, all_loads = [], []
    for page in PAGES:
        times = [ms for ms, _r in tested[key(page)]]
        result = tested[key(page)][-1][1]
        all_tests += times
        all_loads += loaded[key(page)]
        print(f"{key(page):26s} {statistics.median(loaded[key(page)]):8.0f} "
              f"{statistics.median(times):13.0f} {result.controls:9d}  "
              f"{result.badge}{': ' + '; '.join(result.problems) if result.problems else ''}")
    p95 = sorted(all_tests)[max(0, math.ceil(0.95 * len(all_tests)) - 1)]
    print(f"\n{len(PAGES)} pages x {args.rounds} rounds: self-test p50 "
          f"{statistics.median(all_tests):.0f} ms, p95 {p95:.0f} ms, max {max(all_tests):.0f} ms;"
          f" the load alone p50 {statistics.median(all_loads):.0f} ms "
          f"(self-test / load = {statistics.median(all_tests) / statistics.median(all_loads):.1f})")
    runner.close()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


if __name__ == "__main__":
    main()
