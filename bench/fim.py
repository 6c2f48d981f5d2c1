"""Editor completions: how often the ghost text is right, how fast it shows, what it costs.

The cases are cut from real generated apps (bench/fim_apps/: 14 pages written by
`keystroke generate` with the local 0.5B and 1.5B models, bugs and all): at a random line,
remove half a line, a whole line or a small block, and ask for the completion the editor
would show there (the same request, window and tidying as the editor; see
desktop/core/completion). Per model it prints:

- exact match (the shown text is the removed text) and mean edit similarity (difflib ratio);
- latency from the end of the typing pause to the tidied text, warm (the user typed one
  character since the last completion): as the editor does it (the prompt is read from the
  keystroke on, during the pause) and without that, in the same run; and cold (another
  file's completion came before);
- the memory the completion context adds beside the drafting model (the second `Llama`
  shares the weights through mmap);
- the keystroke loop's warm time to first token with completions on and off, in the same
  run (a completion between every two keystrokes must not slow drafting).

    python bench/fim.py [--models qwen2.5-coder-0.5b,qwen2.5-coder-1.5b] [--cases 104]
                        [--seed 1001] [--threads N] [--loop-keystrokes 12] [--json]

A benchmark prints figures; it never passes or fails.
"""

from __future__ import annotations

import argparse
import difflib
import json
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from desktop.core.completion.fim import request_at, worth_completing
from desktop.core.completion.local import LocalFimCompleter
from desktop.core.completion.sources import completion_threads, fim_tokens_for
from desktop.core.generation.prompts import build_messages
from desktop.core.local_models.loading import choose_model, model_key
from desktop.core.providers.base import ChatRequest, TextDelta
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings

APPS = Path(__file__).resolve().parent / "fim_apps"
PAUSE_S = 0.2  # the editor's pause before it asks (completion_delay_ms)
KINDS = ("half line", "whole line", "block")
# The window, the single/multi-line rule and the stops were tuned on `--seed 7 --cases 24`
# only; the default set is cut with another seed and was never tuned on.
HOLDOUT_SEED = 1001


@dataclass(frozen=True)
class Case:
    app: str
    kind: str
    text: str  # the page with the middle removed
    cursor: int  # where the middle was
    middle: str


def cut(app: str, code: str, kind: str, rng: random.Random) -> Case | None:
    lines = code.split("\n")
    index = rng.randrange(1, len(lines) - 2)
    line = lines[index]
    indent = len(line) - len(line.lstrip())
    before = "\n".join(lines[:index]) + "\n"
    if kind == "half line":
        if len(line.strip()) < 8:
            return None
        col = rng.randrange(indent + 2, len(line) - 1)
        text = before + line[:col] + "\n" + "\n".join(lines[index + 1:])
        return Case(app, kind, text, len(before) + col, line[col:])
    size = 1 if kind == "whole line" else rng.randint(2, 3)
    block = lines[index:index + size]
    if any(not part.strip() for part in block):
        return None
    middle = "\n".join(block)[indent:]
    text = before + line[:indent] + "\n" + "\n".join(lines[index + size:])
    return Case(app, kind, text, len(before) + indent, middle)


def build_cases(count: int, seed: int = HOLDOUT_SEED) -> list[Case]:
    rng = random.Random(seed)
    pages = sorted(APPS.glob("*.html"))
    cases: list[Case] = []
    while len(cases) < count:
        page = pages[len(cases) % len(pages)]
        case = cut(page.stem, page.read_text(encoding="utf-8"), KINDS[len(cases) % 3], rng)
        if case and case.middle.strip() and worth_completing(case.text, case.cursor):
            cases.append(case)
    return sorted(cases, key=lambda c: c.app)  # one file at a time, as a person edits


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss() -> dict[str, float]:
    found = {}
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            key = line.split(":")[0]
            if key in ("VmRSS", "RssAnon", "RssFile"):
                found[key] = int(line.split()[1]) / 1024
    return found


def first_token_ms(provider: LlamaProvider, code: str, instruction: str) -> float:
    request = ChatRequest(build_messages(instruction, code), max_tokens=4, temperature=0)
    started = time.perf_counter()
    stream = provider.stream(request)
    try:
        for event in stream:
            if isinstance(event, TextDelta):
                return (time.perf_counter() - started) * 1000
    finally:
        stream.close()
    return float("nan")


def loop_ratio(provider: LlamaProvider, completer: LocalFimCompleter, keystrokes: int,
               case: Case) -> dict:
    """Warm time to first token of drafting keystrokes, with a completion between every
    two keystrokes and without, alternating rounds in one run."""
    code = (APPS / f"{case.app}.html").read_text(encoding="utf-8")
    instruction = "make the start button green and the title bigger"[: 12 + keystrokes]
    first_token_ms(provider, code, instruction[:11])  # the page is in the KV cache
    times: dict[str, list[float]] = {"off": [], "on": []}
    for round_ in range(4):
        mode = "on" if round_ % 2 else "off"
        for length in range(12, len(instruction) + 1):
            if mode == "on":
                completer.complete(request_at(case.text, case.cursor))
            times[mode].append(first_token_ms(provider, code, instruction[:length]))
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    return {"ttft_off_ms": off, "ttft_on_ms": on, "ratio": on / off,
            "keystrokes": len(times["on"])}


def run_model(model: str, cases: list[Case], threads: int, keystrokes: int) -> dict:
    settings = Settings()
    choice = choose_model(settings, model)
    n_threads = threads or completion_threads(settings, model_key(choice))
    gate = LocalGate()
    before = rss()
    drafting = LlamaProvider(choice.path, n_ctx=settings.context_for(model_key(choice)),
                             n_threads=n_threads, display_name=choice.display_name, gate=gate)
    drafting.load()
    first_token_ms(drafting, cases[0].text, "a red button")
    with_drafting = rss()
    completer = LocalFimCompleter(choice.path, fim_tokens_for(choice.path), n_threads=n_threads,
                                  display_name=choice.display_name, gate=gate)
    completer.complete(request_at(cases[0].text, cases[0].cursor))
    with_completer = rss()
    rows, warm, warmed, cold = [], [], [], []
    last_app = ""
    for case in cases:
        previous = request_at(case.text[: case.cursor - 1] + case.text[case.cursor:],
                              case.cursor - 1)  # the pause before the last keystroke
        started = time.perf_counter()
        completer.complete(previous)
        if case.app != last_app:
            cold.append((time.perf_counter() - started) * 1000)
            last_app = case.app
        time.sleep(PAUSE_S)  # the last key, then the pause; nothing starts early
        started = time.perf_counter()
        shown = completer.complete(request_at(case.text, case.cursor))
        warm.append((time.perf_counter() - started) * 1000)
        completer.complete(previous)  # the same again, as the editor does it: the last key
        request = request_at(case.text, case.cursor)  # starts reading the prompt at once
        completer.warm(request)
        time.sleep(PAUSE_S)
        started = time.perf_counter()
        completer.complete(request)
        warmed.append((time.perf_counter() - started) * 1000)
        rows.append({"app": case.app, "kind": case.kind, "expected": case.middle,
                     "shown": shown.text, "exact": shown.text.rstrip() == case.middle.rstrip(),
                     "similarity": similarity(shown.text, case.middle),
                     "ms": warm[-1], "ms_warmed": warmed[-1], "tokens": shown.tokens})
    loop = loop_ratio(drafting, completer, keystrokes, cases[0])
    completer.close()
    drafting.close()
    by_kind = {kind: [r for r in rows if r["kind"] == kind] for kind in KINDS}
    return {
        "model": choice.display_name, "threads": n_threads, "cases": len(rows),
        "exact": sum(r["exact"] for r in rows) / len(rows),
        "similarity": statistics.mean(r["similarity"] for r in rows),
        "by_kind": {kind: {"cases": len(part),
                           "exact": sum(r["exact"] for r in part) / max(1, len(part)),
                           "similarity": statistics.mean(r["similarity"] for r in part)}
                    for kind, part in by_kind.items() if part},
        "warm_p50_ms": percentile(warm, 0.5), "warm_p95_ms": percentile(warm, 0.95),
        "warmed_p50_ms": percentile(warmed, 0.5), "warmed_p95_ms": percentile(warmed, 0.95),
        "cold_p50_ms": percentile(cold, 0.5), "cold_p95_ms": percentile(cold, 0.95),
        "memory_mb": {
            "drafting_model_rss": with_drafting["VmRSS"] - before["VmRSS"],
            "completion_context_anon": with_completer["RssAnon"] - with_drafting["RssAnon"],
            "completion_context_rss": with_completer["VmRSS"] - with_drafting["VmRSS"],
        },
        "loop": loop,
        "rows": rows,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="qwen2.5-coder-0.5b,qwen2.5-coder-1.5b")
    parser.add_argument("--cases", type=int, default=104)
    parser.add_argument("--seed", type=int, default=HOLDOUT_SEED,
                        help="which cuts (default: the holdout; 7 is the tuning set)")
    parser.add_argument("--threads", type=int, default=0,
                        help="model threads (default: what the app uses here)")
    parser.add_argument("--loop-keystrokes", type=int, default=12)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    cases = build_cases(args.cases, args.seed)
    results = [run_model(m, cases, args.threads, args.loop_keystrokes)
               for m in args.models.split(",") if m]
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print_tables(results, cases)


def print_tables(results: list[dict], cases: list[Case]) -> None:
    print(f"{len(cases)} cases from {len(list(APPS.glob('*.html')))} generated apps "
          f"({', '.join(f'{k}: {sum(c.kind == k for c in cases)}' for k in KINDS)})\n")
    print("| model | threads | exact match | edit similarity | after the pause p50 / p95 | "
          "without reading during the pause | cold p50 / p95 |")
    print("|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['model']} | {r['threads']} | {r['exact']:.0%} | {r['similarity']:.2f} | "
              f"{r['warmed_p50_ms']:.0f} / {r['warmed_p95_ms']:.0f} ms | "
              f"{r['warm_p50_ms']:.0f} / {r['warm_p95_ms']:.0f} ms | "
              f"{r['cold_p50_ms']:.0f} / {r['cold_p95_ms']:.0f} ms |")
    print("\n| model | kind | cases | exact | similarity |\n|---|---|---|---|---|")
    for r in results:
        for kind, part in r["by_kind"].items():
            print(f"| {r['model']} | {kind} | {part['cases']} | {part['exact']:.0%} | "
                  f"{part['similarity']:.2f} |")
    print("\n| model | drafting model RSS | completion context: anon / RSS | loop TTFT off / "
          "on | ratio |\n|---|---|---|---|---|")
    for r in results:
        mem, loop = r["memory_mb"], r["loop"]
        print(f"| {r['model']} | {mem['drafting_model_rss']:.0f} MB | "
              f"{mem['completion_context_anon']:.0f} / {mem['completion_context_rss']:.0f} MB | "
              f"{loop['ttft_off_ms']:.0f} / {loop['ttft_on_ms']:.0f} ms | "
              f"{loop['ratio']:.2f} |")

if __name__ == "__main__":
    main()
