"""Keystroke to preview, measured through the real window, core, local model and preview.

Replays typing sessions (an app typed at about 8 characters per second with two pauses to
think, Enter, then two follow-up edits) in the real main window offscreen with the default
local model, twice in the same process: optimized (prefix-friendly prompt order, stale
requests cancelled, result cache, DOM patching) and a baseline with those four things off
(instruction before the code, nothing cancelled, no cache, a full reload for every update).
For every instruction it records what each keystroke caused (a generation started,
cancelled, served from cache), time to first token, keystroke to first preview paint,
keystroke to the final preview, and the longest GUI stall, then prints p50 / p95 / max per
figure and optimized / baseline ratios. A benchmark prints figures; it never fails.

    python bench/keystroke_latency.py [--sessions N] [--instructions N] [--max-tokens N]
                                      [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))

from desktop.ui.app import make_application

APP = make_application(headless=True)

from desktop.core.local_models.loading import open_local_provider  # noqa: E402
from desktop.core.settings import Settings  # noqa: E402
from desktop.ui.generation.state import LoopOptions  # noqa: E402
from desktop.ui.stall_monitor import StallMonitor  # noqa: E402
from desktop.ui.window.main_window import MainWindow  # noqa: E402

SESSIONS = [
    ["a pomodoro timer with start and stop", "make the start button green",
     "show the time in a bigger font"],
    ["a tip calculator with bill and percent inputs", "round the tip to two decimals",
     "add a field to split the bill between people"],
    ["a todo list where I can add items", "add a delete button to each item",
     "show how many items are left"],
]
CHAR_S = 0.1  # 10 characters a second while typing a word…
THINK_S = 0.6  # …and two pauses to think in each instruction: about 8 characters a second
CATCH_STALLS_MS = 35  # record the GUI thread's stack during stalls longer than this


def spin(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        APP.processEvents()
        time.sleep(0.002)


def spin_until(condition, timeout: float) -> bool:
    end = time.perf_counter() + timeout
    while not condition() and time.perf_counter() < end:
        APP.processEvents()
        time.sleep(0.002)
    return condition()


class Recorder:
    """What each instruction's keystrokes caused, from the window's own signals."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.reset()
        loop = window.loop
        loop.requests.started.connect(self._started)
        loop.requests.superseded.connect(self._superseded)
        loop.latency_measured.connect(self._first_paint)
        loop.result_ready.connect(self._result)
        loop.code_shown.connect(self._shown)
        window.preview.page_shown.connect(self._painted)

    def _started(self, _decision) -> None:
        self.started += 1
        now = time.perf_counter()
        if self.streaming and self.streaming[-1][1] is None:
            self.streaming[-1][1] = now  # the one before is stale from here on
        self.streaming.append([now, None])
        self.keys[-1]["started"] = True

    def _superseded(self) -> None:
        self.cancelled += 1
        self.keys[-1]["cancelled"] = True

    def reset(self) -> None:
        self.started = self.cancelled = self.cached = 0
        self.keys: list[dict] = [{"key": ""}]  # what each keystroke led to
        self.streaming: list[list] = []  # [start, end] of each generation, perf_counter s
        self.ttft: list[float] = []
        self.first_paint: list[float] = []
        self.final_at: float | None = None
        self._final_tag: int | None = None

    def _first_paint(self, ms: float) -> None:
        self.first_paint.append(ms)

    def keystroke(self, char: str) -> None:
        self.keys.append({"key": char})

    def _result(self, result) -> None:
        if self.streaming and self.streaming[-1][1] is None:
            self.streaming[-1][1] = time.perf_counter()
        if result.from_cache:
            self.cached += 1
            self.keys[-1]["from_cache"] = True
        elif result.ttft_ms is not None:
            self.ttft.append(result.ttft_ms)

    def _shown(self, _code: str, final: bool, tag: int) -> None:
        if final:
            self._final_tag = tag

    def _painted(self, tag, _ms: float) -> None:
        if tag == self._final_tag and tag is not None:
            self.final_at = time.perf_counter()


def type_instruction(window: MainWindow, text: str, recorder: Recorder) -> float:
    """Type like a person; returns the time of the last keystroke."""
    words = text.split(" ")
    pauses = {max(1, len(words) // 3), max(2, 2 * len(words) // 3)}
    typed = ""
    for n, word in enumerate(words):
        for char in (" " if typed else "") + word:
            typed += char
            recorder.keystroke(char)
            window.prompt.setPlainText(typed)
            spin(CHAR_S)
        if n + 1 in pauses and n + 1 < len(words):
            spin(THINK_S)
    return time.perf_counter()


def run_mode(provider, optimized: bool, sessions: list[list[str]], max_tokens: int) -> list[dict]:
    settings = Settings(max_tokens=max_tokens)
    options = LoopOptions() if optimized else LoopOptions(
        cancel_superseded=False, use_cache=False, patch_partial_pages=False,
        prefix_friendly_prompt=False)
    provider.drop_superseded = optimized  # the baseline lets stale requests run to the end
    window = MainWindow(settings, provider=provider, loop_options=options)
    window.resize(1400, 860)
    window.show()
    spin_until(lambda: not window.prompt.isReadOnly(), 10)
    recorder = Recorder(window)
    rows = []
    try:
        for session in sessions:
            window.versions.new_project()
            spin_until(lambda: window.history.list.count() == 0, 10)
            for instruction in session:
                recorder.reset()
                stalls = StallMonitor(catch_over_ms=CATCH_STALLS_MS)
                stalls.start()
                last_key = type_instruction(window, instruction, recorder)
                window.loop.commit()
                spin_until(lambda r=recorder: r.final_at is not None
                           and not window.loop.busy, 600)
                spin_until(lambda: provider.idle, 600)  # the baseline's stale requests
                stalls.stop()
                rows.append({
                    "mode": "optimized" if optimized else "baseline", "instruction": instruction,
                    "keystrokes": len(instruction), "generations_started": recorder.started,
                    "cancelled": recorder.cancelled, "from_cache": recorder.cached,
                    "ttft_ms": recorder.ttft, "first_paint_ms": recorder.first_paint,
                    "final_preview_ms": [((recorder.final_at or last_key) - last_key) * 1000],
                    "longest_stall_ms": stalls.longest_ms,
                    "longest_stall_streaming_ms": max(
                        (stalls.longest_between(a, b or time.perf_counter())
                         for a, b in recorder.streaming), default=0.0),
                    "per_keystroke": recorder.keys[1:],
                    "stall_stacks": stalls.caught,
                })
                print(json.dumps({k: v for k, v in rows[-1].items()
                                  if k not in ("per_keystroke", "stall_stacks")}),
                      file=sys.stderr, flush=True)
                for stack in stalls.caught:
                    print(stack, file=sys.stderr, flush=True)
    finally:
        provider.drop_superseded = True
        window.loop.set_local(None)  # closing the window would close the shared model
        window.close()
    return rows


def summary(rows: list[dict], key: str) -> tuple[float, float, float]:
    values = sorted(v for row in rows for v in (row[key] if isinstance(row[key], list)
                                                 else [row[key]]))
    if not values:
        return (float("nan"),) * 3
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return statistics.median(values), p95, values[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=2048)
    parser.add_argument("--instructions", type=int, default=3,
                        help="instructions per session (1: the CI smoke run)")
    parser.add_argument("--json", type=Path, help="write every row and the summary here")
    args = parser.parse_args()
    provider = open_local_provider(Settings())
    sessions = [session[: args.instructions] for session in SESSIONS[: args.sessions]]
    rows = run_mode(provider, True, sessions, args.max_tokens)
    rows += run_mode(provider, False, sessions, args.max_tokens)
    provider.close()
    figures = {"ttft_ms": "first token (ms)", "first_paint_ms": "key → first paint (ms)",
               "final_preview_ms": "key → final preview (ms)",
               "longest_stall_ms": "longest GUI stall (ms)",
               "longest_stall_streaming_ms": "  …while streaming (ms)"}
    table = {}
    print(f"\n{'figure':<26} {'optimized p50/p95/max':>26} {'baseline p50/p95/max':>26} "
          f"{'ratio p50':>10}")
    for key, label in figures.items():
        opt = summary([r for r in rows if r["mode"] == "optimized"], key)
        base = summary([r for r in rows if r["mode"] == "baseline"], key)
        ratio = opt[0] / base[0] if base[0] else float("nan")
        table[key] = {"optimized": opt, "baseline": base, "ratio_p50": ratio}
        print(f"{label:<26} {'/'.join(f'{v:,.0f}' for v in opt):>26} "
              f"{'/'.join(f'{v:,.0f}' for v in base):>26} {ratio:>10.3g}")
    for mode in ("optimized", "baseline"):
        mine = [r for r in rows if r["mode"] == mode]
        fate = "cancelled" if mode == "optimized" else "superseded but left running"
        print(f"{mode}: {sum(r['keystrokes'] for r in mine)} keystrokes, "
              f"{sum(r['generations_started'] for r in mine)} generations started, "
              f"{sum(r['cancelled'] for r in mine)} {fate}, "
              f"{sum(r['from_cache'] for r in mine)} from cache")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "summary": table}, indent=2))


if __name__ == "__main__":
    main()
