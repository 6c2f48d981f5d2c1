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
import random
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.e2e.crash_typist import MODES, Outcome, measure  # noqa: E402


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
            outcome = measure(mode, Path(folder), rng.uniform(1.0, 8.0))
        outcomes.append(outcome)
        print(f"run {run + 1:2}: {mode:6} typed {outcome.keys_typed:3} lost "
              f"{outcome.keys_lost:3} keys {outcome.seconds_lost:5.2f} s; versions kept "
              f"{outcome.versions_kept} lost {outcome.versions_lost}"
              f"{'; draft on an older version' if outcome.behind else ''}"
              f"{'; a kept instruction shows as unsaved' if outcome.kept_prompt else ''}",
              flush=True)
    print("\n| kind | runs | typing lost s (median / p90 / max) | keys lost (median / p90 / "
          "max) | runs losing > 1 s | versions lost | reopened behind | kept instruction "
          "shown again |")
    print("|---|---|---|---|---|---|---|---|")
    for mode in MODES:
        mine = [o for o in outcomes if o.mode == mode]
        typing = mode != "enter"
        print(f"| {mode} | {len(mine)} | "
              f"{spread([o.seconds_lost for o in mine]) if typing else '-'} | "
              f"{spread([float(o.keys_lost) for o in mine]) if typing else '-'} | "
              f"{sum(o.seconds_lost > 1.0 for o in mine) if typing else '-'} | "
              f"{sum(o.versions_lost for o in mine)} | {sum(o.behind for o in mine)} | "
              f"{sum(o.kept_prompt for o in mine)} |")


if __name__ == "__main__":
    main()
