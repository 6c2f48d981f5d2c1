"""What the installer's portable llama-cpp-python costs: the default model's speed with the
native build (the dev install, `-march=native`) against the portable one (build/venv, made by
`python -m desktop.build`), measured alternately in child processes, several rounds.

    python bench/portable_build.py [--rounds 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PORTABLE_PYTHON = REPO / "build" / "venv" / "bin" / "python"
MEASURE = """
import json, sys
sys.path.insert(0, {repo!r})
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ensure_model_file
from desktop.core.local_models.speed import measure_speed
speed = measure_speed(ensure_model_file(load_catalog().default), {threads}, 2048)
print(json.dumps({{"tokens_per_s": speed.tokens_per_s, "prompt_per_s": speed.prompt_per_s}}))
"""


def measure(python: Path | str, threads: int) -> dict:
    run = subprocess.run([str(python), "-c", MEASURE.format(repo=str(REPO), threads=threads)],
                         capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(run.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not PORTABLE_PYTHON.exists():
        sys.exit(f"No portable build at {PORTABLE_PYTHON}: run `python -m desktop.build` first.")
    runs: dict[str, list[dict]] = {"native": [], "portable": []}
    for _ in range(args.rounds):
        runs["native"].append(measure(sys.executable, args.threads))
        runs["portable"].append(measure(PORTABLE_PYTHON, args.threads))
    print(f"{'build':<10} {'generate tok/s (median)':>24} {'prompt tok/s (median)':>22}")
    medians = {}
    for build, rows in runs.items():
        medians[build] = (statistics.median(r["tokens_per_s"] for r in rows),
                          statistics.median(r["prompt_per_s"] for r in rows))
        print(f"{build:<10} {medians[build][0]:>24.1f} {medians[build][1]:>22.0f}")
    print(f"portable ÷ native: generate {medians['portable'][0] / medians['native'][0]:.2f}, "
          f"prompt {medians['portable'][1] / medians['native'][1]:.2f} "
          f"({args.rounds} rounds, {args.threads} threads, Qwen2.5-Coder-0.5B)")


if __name__ == "__main__":
    main()
