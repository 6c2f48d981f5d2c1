"""How much typing a crash loses: SIGKILL the real window at random moments while a typist
types without ever pausing, then read what the data folder kept.

Each run starts `tests/e2e/crash_typist.py` (a real window, offscreen, with a scripted
provider) in a fresh data folder, kills it 1 to 8 s after it starts typing, and compares the
keystrokes it printed with the draft and versions on disk. Three kinds of run: typing in
the prompt, typing in the code editor, and pressing Enter then typing the next instruction
at once. Prints the typing lost (seconds from the first unsaved key to the kill, and keys)
as median / p90 / max, the versions lost, and how often the saved draft was built on an
older version than the newest one kept. A benchmark prints figures; it never passes or fails.

    python bench/crash_loss.py [--runs 30] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from desktop.core.store import Store  # noqa: E402
from tests.e2e.crash_typist import EDITOR_MARK, TEXT  # noqa: E402  (only constants)

TYPIST = REPO / "tests" / "e2e" / "crash_typist.py"
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


def kill_at_random(mode: str, home: Path, delay_s: float) -> tuple[list[str], float]:
    """Run the typist, SIGKILL it `delay_s` after READY; its printed lines and the kill time."""
    env = {**os.environ, "KEYSTROKE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    lines: list[str] = []
    with subprocess.Popen([sys.executable, str(TYPIST), mode], env=env, cwd=REPO,
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
    store = Store()
    try:
        project = store.list_projects()[0] if store.list_projects() else None
        versions = store.versions(project.id) if project else []
        draft = store.draft(project.id) if project else None
    finally:
        store.close()
    behind = bool(versions) and draft is not None and draft.base_version_id != versions[0].id
    if mode == "enter":
        kept = sum(1 for _n, t in enters if t < killed_at - 0.2)
        return Outcome(mode, 0, 0, 0.0, kept, max(0, kept - len(versions)), behind)
    typed = keys[-1][0] if keys else 0
    saved = min(saved_keys(mode, draft), typed)
    lost_s = killed_at - keys[saved][1] if saved < typed else 0.0
    kept = 1 if mode == "editor" else 0
    return Outcome(mode, typed, typed - saved, lost_s, kept, max(0, kept - len(versions)),
                   behind)


def spread(values: list[float]) -> str:
    if not values:
        return "-"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.2f} / {p90:.2f} / {ordered[-1]:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="kills in all (split over kinds)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    outcomes: list[Outcome] = []
    for run in range(args.runs):
        mode = MODES[run % len(MODES)]
        with tempfile.TemporaryDirectory(prefix="keystroke-crash-") as folder:
            os.environ["KEYSTROKE_HOME"] = folder
            outcome = measure(mode, Path(folder), rng.uniform(1.0, 8.0))
        outcomes.append(outcome)
        print(f"run {run + 1:2}: {mode:6} typed {outcome.keys_typed:3} lost "
              f"{outcome.keys_lost:3} keys {outcome.seconds_lost:5.2f} s; versions kept "
              f"{outcome.versions_kept} lost {outcome.versions_lost}"
              f"{'; draft on an older version' if outcome.behind else ''}", flush=True)
    print("\n| kind | runs | typing lost s (median / p90 / max) | keys lost (median / p90 / "
          "max) | runs losing > 1 s | versions lost | reopened behind |")
    print("|---|---|---|---|---|---|---|")
    for mode in MODES:
        mine = [o for o in outcomes if o.mode == mode]
        typing = mode != "enter"
        print(f"| {mode} | {len(mine)} | "
              f"{spread([o.seconds_lost for o in mine]) if typing else '-'} | "
              f"{spread([float(o.keys_lost) for o in mine]) if typing else '-'} | "
              f"{sum(o.seconds_lost > 1.0 for o in mine) if typing else '-'} | "
              f"{sum(o.versions_lost for o in mine)} | {sum(o.behind for o in mine)} |")


if __name__ == "__main__":
    main()
