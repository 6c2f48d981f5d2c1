"""The two local tiers on this machine: speed, memory, and what the one-at-a-time rule costs.

1. Each model's speed with 1 and 2 threads (model_speed.measure_speed: a cold prompt, then
   96 tokens), the 0.5B model being the baseline the 1.5B is compared with.
2. Memory: the process's resident size with nothing, the fast model, then both loaded.
3. Preemption: a fast draft is streaming when a strong request arrives; how long until the
   draft stops and until the strong model's first token, against the strong model's first
   token when nothing else was running (same process, same prompt).

    python bench/local_tiers.py [--threads 1,2]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))

from desktop.core.generation.prompts import build_messages
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ensure_model_file
from desktop.core.local_models.speed import measure_speed
from desktop.core.providers.base import ChatRequest, Done, TextDelta
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import STRONG, LocalGate


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def first_token_s(provider: LlamaProvider, instruction: str) -> float:
    request = ChatRequest(build_messages(instruction, ""), max_tokens=8, temperature=0)
    started = time.perf_counter()
    first = None
    for event in provider.stream(request):
        if isinstance(event, TextDelta) and first is None:
            first = time.perf_counter() - started
    return first or 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", default="1,2",
                        help="thread counts for the speed table (CI smoke-runs 2)")
    args = parser.parse_args()
    catalog = load_catalog()
    fast_path = ensure_model_file(catalog.get("qwen2.5-coder-0.5b"))
    strong_path = ensure_model_file(catalog.get("qwen2.5-coder-1.5b"))

    print("speed (cold prompt, then 96 tokens)")
    baseline = None
    for name, path in (("0.5B", fast_path), ("1.5B", strong_path)):
        for threads in (int(n) for n in args.threads.split(",")):
            speed = measure_speed(path, threads, 2048)
            baseline = baseline or speed.tokens_per_s
            print(f"  {name} {threads} thread(s): {speed.tokens_per_s:5.1f} tok/s, prompt "
                  f"{speed.prompt_per_s:5.0f} tok/s  (÷ 0.5B 1 thread: "
                  f"{speed.tokens_per_s / baseline:.2f})")

    gate = LocalGate()
    before = rss_mb()
    fast = LlamaProvider(fast_path, n_ctx=8192, n_threads=2, gate=gate)
    fast.load()
    with_fast = rss_mb()
    strong = LlamaProvider(strong_path, n_ctx=8192, n_threads=2, gate=gate, priority=STRONG)
    strong.load()
    with_both = rss_mb()
    print(f"\nmemory (resident): {before:,.0f} MB before, {with_fast:,.0f} MB with the 0.5B, "
          f"{with_both:,.0f} MB with both (8,192-token contexts)")

    first_token_s(strong, "warm up")
    alone = first_token_s(strong, "a counter")
    draft_done: list[float] = []

    def draft() -> None:
        request = ChatRequest(build_messages("a big calculator app", ""), max_tokens=1500)
        for event in fast.stream(request):
            if isinstance(event, Done):
                draft_done.append(time.perf_counter())

    thread = threading.Thread(target=draft)
    thread.start()
    time.sleep(2.0)  # the draft is streaming
    asked = time.perf_counter()
    preempted = first_token_s(strong, "a counter")
    thread.join()
    print(f"\npreemption: the draft stopped {(draft_done[0] - asked) * 1000:,.0f} ms after the "
          f"strong request; strong first token {preempted * 1000:,.0f} ms "
          f"(alone: {alone * 1000:,.0f} ms, ratio {preempted / alone:.2f}); "
          f"drafts cancelled: {gate.preempted}")
    fast.close()
    strong.close()


if __name__ == "__main__":
    main()
