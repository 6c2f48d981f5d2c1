"""Type an instruction into the real window at a human pace and measure what the user sees.

Runs the real main window offscreen with the default local model and prints, per typing
session: keystrokes, generations started, first-token times, and keystroke-to-preview times
(last keystroke → first page of that request in the preview), plus the same instruction
committed with Enter. A benchmark prints figures; it never passes or fails.

    python bench/typing_session.py [--cps 8] [--instruction "..."]
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

SESSIONS = [
    "a pomodoro timer with a start button",
    "a tip calculator with bill and percent inputs",
    "a todo list where I can add and remove items",
]


def spin(app, seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.005)


def run(cps: float, instructions: list[str]) -> None:
    app = make_application(headless=True)
    from desktop.core.generation.generate import GenerationResult
    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow

    settings = Settings(max_tokens=700)
    started = time.perf_counter()
    window = MainWindow(settings)
    window.show()
    while window.engine.local is None:
        spin(app, 0.05)
        if window.banner.isVisible():
            sys.exit(window.banner.text())
    print(f"model ready in {time.perf_counter() - started:.1f} s "
          f"({window.engine.local.model_name}, {settings.effective_threads} threads)")
    for instruction in instructions:
        latencies: list[float] = []
        results: list[GenerationResult] = []
        window.loop.latency_measured.connect(latencies.append)
        window.loop.result_ready.connect(results.append)
        before = window.loop.generations_started
        typed_at = time.perf_counter()
        for n in range(1, len(instruction) + 1):
            window.prompt.setPlainText(instruction[:n])
            spin(app, 1 / cps)
        while window.loop.busy:
            spin(app, 0.05)
        finished_ms = (time.perf_counter() - typed_at - len(instruction) / cps) * 1000
        spin(app, 0.5)
        window.loop.latency_measured.disconnect(latencies.append)
        window.loop.result_ready.disconnect(results.append)
        final = results[-1] if results else None
        ttfts = [r.ttft_ms for r in results if r.ttft_ms is not None and not r.from_cache]
        print(f"\n{instruction!r} typed at {cps:g} chars/s")
        print(f"  keystrokes {len(instruction)}, generations started "
              f"{window.loop.generations_started - before}")
        if latencies:
            print(f"  key→preview ms: median {statistics.median(latencies):,.0f}, "
                  f"min {min(latencies):,.0f}, max {max(latencies):,.0f} "
                  f"over {len(latencies)} previews")
        if ttfts:
            print(f"  first token ms: median {statistics.median(ttfts):,.0f}, "
                  f"min {min(ttfts):,.0f}, max {max(ttfts):,.0f}")
        if final is not None:
            print(f"  last result: {final.finish_reason}, {final.tokens_out} tokens, "
                  f"{final.tokens_per_second or 0:.1f} tok/s, cached prompt "
                  f"{final.cached_tokens}/{final.tokens_in} tokens, "
                  f"last keystroke → finished page {finished_ms:,.0f} ms")
        window.prompt.clear_quietly()
        window.loop.cancel_and_restore()
    window.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cps", type=float, default=8.0, help="typing speed, chars/s")
    parser.add_argument("--instruction", action="append", help="replace the built-in sessions")
    args = parser.parse_args()
    run(args.cps, args.instruction or SESSIONS)
