"""Which edit format should the local model be asked for? Measured, not guessed.

Asks the default local model for the same changes to a small app in each format (whole
file, search/replace blocks, unified diff) through the real core, and prints per format:
how often the edit applied, how often the requested change is visible in the result, time
and output tokens. The `edit_format` setting's default comes from this table.

    python bench/edit_formats.py [--threads N] [--tasks N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))

from desktop.core.generation.edits import apply_edit
from desktop.core.generation.generate import GenerationRequest, generate
from desktop.core.local_models.loading import open_local_provider
from desktop.core.settings import Settings

BASE = (Path(__file__).resolve().parent / "edit_corpus.py").read_text()
APP = BASE.split('"counter": """', 1)[1].split('""",', 1)[0]
TASKS = [  # (instruction, text that must appear after the change)
    ("make the buttons green", "green"),
    ("change the heading text from 0 to Clicks: 0", "Clicks"),
    ("add a reset button with id reset that sets the count back to 0", 'id="reset"'),
    ("make the page background light gray", "background"),
]
FORMATS = ("whole", "search-replace", "unified-diff")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--tasks", type=int, default=len(TASKS),
                        help="only the first N changes (CI smoke-runs 1)")
    args = parser.parse_args()
    provider = open_local_provider(Settings(threads=args.threads), warm=False)
    rows = []
    for fmt in FORMATS:
        for instruction, needle in TASKS[: args.tasks]:
            request = GenerationRequest(instruction, APP, max_tokens=900, edit_format=fmt)
            started = time.perf_counter()
            result = list(generate(provider, request))[-1]
            applied_first_try = not result.note
            raw = apply_edit(APP, result.reply.split("\n\n```html")[0]) if fmt != "whole" \
                else None
            rows.append({
                "format": fmt, "instruction": instruction,
                "edit_applied": applied_first_try and result.code is not None,
                "fell_back_to_whole_file": bool(result.note),
                "change_visible": bool(result.code and needle in result.code
                                       and needle not in APP),
                "seconds": round(time.perf_counter() - started, 1),
                "tokens_out": result.tokens_out,
                "detail": raw.message if raw is not None else "",
            })
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    provider.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"\n{'format':<16} {'applied':>8} {'fell back':>10} {'change seen':>12} "
          f"{'mean s':>7} {'mean tokens':>12}")
    for fmt in FORMATS:
        mine = [r for r in rows if r["format"] == fmt]
        print(f"{fmt:<16} {sum(r['edit_applied'] for r in mine):>5}/{len(mine)} "
              f"{sum(r['fell_back_to_whole_file'] for r in mine):>10} "
              f"{sum(r['change_visible'] for r in mine):>9}/{len(mine)} "
              f"{sum(r['seconds'] for r in mine) / len(mine):>7.1f} "
              f"{sum(r['tokens_out'] for r in mine) / len(mine):>12.0f}")


if __name__ == "__main__":
    main()
