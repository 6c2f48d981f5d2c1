"""Scoped edits against whole-file edits on the local 0.5B model, in the same run.

Fifteen edit requests on four small apps (colour, text, size, a control added next to
another, one handler changed), each aimed at an element (a CSS selector) or at a handler's
lines. Each request runs twice on the same warm model: as a scoped edit, and as the same
instruction for the whole file (the baseline). Before each, the model reads the app's code
(the window does this after every kept version), so both start from a warm prefix.

Per request it records: key → final preview (the generation until the final page exists,
plus the preview loading it in the real headless QtWebEngine), whether the requested change
is visible (a check that runs in the page, as the evals' do), and, for the scoped edit, how
many bytes changed outside the scope other than the additions it declared (must be 0).

The tip calculator's three requests are the holdout: the scoped prompt was never tuned on
them; their row is printed apart.

    python bench/scoped_edits.py [--cases N] [--json]
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KEYSTROKE_HOME", tempfile.mkdtemp(prefix="keystroke-bench-"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
if os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")

from desktop.core.checking.judge import CHECK_PRELUDE
from desktop.core.generation.generate import GenerationRequest, GenerationResult, generate
from desktop.core.generation.prompts import build_messages
from desktop.core.generation.scoped import Scope
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ensure_model_file
from desktop.core.providers.base import ChatRequest
from desktop.core.providers.llama_local import LlamaProvider
from desktop.ui.preview.page_check import check_page

APPS = Path(__file__).resolve().parent / "fim_apps"

GREEN = "(c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return g > r + 40 && g > b; })"
RED = "(c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return r > g + 60 && r > b + 60; })"
BLUE = "(c => { const [r, g, b] = c.match(/\\d+/g).map(Number); return b > r + 40 && b > g; })"
BG = "(sel => getComputedStyle(document.querySelector(sel)).backgroundColor)"


@dataclass(frozen=True)
class Case:
    app: str
    scope: str  # a CSS selector or a line range
    instruction: str
    check: str  # JavaScript: true, or what is wrong
    holdout: bool = False


CASES = [
    Case("pomodoro", "#start", "make it green",
         f"if (!{GREEN}({BG}('#start'))) return 'Start is not green'; "
         f"return !{GREEN}({BG}('#pause')) || 'Pause turned green too'"),
    Case("pomodoro", "#pause", "change its label to Hold",
         "return document.querySelector('#pause').innerText.trim() === 'Hold' || 'no Hold'"),
    Case("pomodoro", "h1", "make the heading twice as big",
         "return parseFloat(getComputedStyle(document.querySelector('h1')).fontSize) >= 48 "
         "|| 'the heading is not bigger'"),
    Case("pomodoro", "#start", "add a Reset button right after it",
         "const b = [...document.querySelectorAll('button')]; return (b.length === 3 && "
         "b.some(x => /reset/i.test(x.innerText))) || 'no third button called Reset'"),
    Case("stopwatch", "#stop", "make it red",
         f"if (!{RED}({BG}('#stop'))) return 'Stop is not red'; "
         f"return !{RED}({BG}('#start')) || 'Start turned red too'"),
    Case("stopwatch", "#reset", "rename it to Clear",
         "return [...document.querySelectorAll('button')].some(b => b.innerText.trim() === "
         "'Clear') || 'no Clear button'"),
    Case("stopwatch", "#time", "show 0 in it at the start, in a 40px font",
         "const t = document.querySelector('#time'); if (!t.innerText.includes('0')) return "
         "'no 0'; return parseFloat(getComputedStyle(t).fontSize) >= 40 || 'not 40px'"),
    Case("stopwatch", "34-39", "also show the word Stopped in the #time element",
         "click('start'); click('stop'); return text().includes('Stopped') || 'no Stopped'"),
    Case("todo", "#add", "make it blue with white text",
         f"const c = getComputedStyle(document.querySelector('#add')).color; "
         f"if (!{BLUE}({BG}('#add'))) return 'Add is not blue'; "
         f"return c === 'rgb(255, 255, 255)' || 'the text is not white'"),
    Case("todo", "#item", "change the placeholder to What needs doing?",
         "return document.querySelector('input').placeholder === 'What needs doing?' "
         "|| 'placeholder unchanged'"),
    Case("todo", "h1", "change the heading to My Tasks",
         "return document.querySelector('h1').innerText.trim() === 'My Tasks' || 'no My Tasks'"),
    Case("todo", "22-30", "show each new item in upper case",
         "type(0, 'buy milk'); click('add'); return text().includes('BUY MILK') || "
         "'the item is not in upper case'"),
    Case("tip", "#calculate", "give it a font size of 20px",
         "return parseFloat(getComputedStyle(document.querySelector('button')).fontSize) >= 20 "
         "|| 'not 20px'", holdout=True),
    Case("tip", "22-27", "show the tip as a dollar amount like $15.00",
         "type(0, '100'); type(1, '15'); click('calc'); return text().includes('$15.00') || "
         "'no $15.00'", holdout=True),
    Case("tip", "#bill", "put a label Bill before it",
         "return [...document.querySelectorAll('label')].some(l => /bill/i.test(l.innerText))"
         " || 'no label Bill'", holdout=True),
]


@dataclass
class Run:
    case: Case
    mode: str  # scoped | whole
    result: GenerationResult
    preview_ms: float
    works: bool
    why: str
    outside_bytes: int | None  # scoped only

    @property
    def key_to_preview_s(self) -> float:
        return (self.result.total_ms + self.preview_ms) / 1000


def outside_bytes(base: str, scope: Scope, result: GenerationResult) -> int:
    """Bytes that changed outside the scope, other than the declared additions (and the
    <style>/<script> tags a new one is wrapped in). Found by diffing, not by trusting the
    splice."""
    edit = result.scoped
    if edit is None or result.code is None:
        return 0
    before = base[:scope.start] + base[scope.end:]
    after = result.code[:edit.scope.start] + result.code[edit.scope.end:]
    inserted, changed = [], 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after,
                                                      autojunk=False).get_opcodes():
        if op == "equal":
            continue
        changed += i2 - i1  # anything of the original outside the scope that went
        inserted.append(after[j1:j2])
    rest = "".join(inserted)
    for addition in edit.additions:
        rest = rest.replace(addition.text, "", 1)
    for wrapper in ("<style>", "</style>", "<script>", "</script>"):
        rest = rest.replace(wrapper, "", 1)
    return changed + len(rest.strip())


def run_case(provider: LlamaProvider, case: Case, mode: str) -> Run:
    base = (APPS / f"{case.app}.html").read_text(encoding="utf-8")
    scope = Scope.parse(base, case.scope) if mode == "scoped" else None
    provider.prefill(ChatRequest(build_messages("", base)))  # as after a kept version
    request = GenerationRequest(case.instruction, base, max_tokens=2048, temperature=0.2,
                                scope=scope)
    result = [e for e in generate(provider, request) if isinstance(e, GenerationResult)][-1]
    code = result.code if result.ok else base
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "index.html"
        page.write_text(code or base, encoding="utf-8")
        report = check_page(str(page), settle_ms=300,
                            probe=f"(() => {{ {CHECK_PRELUDE}\n{case.check} }})()")
    works = result.ok and report.probe is True and not report.uncaught_errors
    why = "" if works else (result.message or report.probe if isinstance(report.probe, str)
                            else result.message or "; ".join(report.uncaught_errors)[:80])
    return Run(case, mode, result, report.load_ms, works, str(why or ""),
               outside_bytes(base, scope, result) if scope is not None else None)


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value at least `q` of the values are at or below."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=len(CASES),
                        help="how many of the requests to run (CI smoke-runs 1)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="run the requests whose app is this")
    parser.add_argument("--replies", action="store_true",
                        help="print the model's reply for each request that did not work")
    parser.add_argument("--scoped-only", action="store_true",
                        help="skip the whole-file baseline (while trying prompts)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    path = ensure_model_file(load_catalog().get("qwen2.5-coder-0.5b"))
    provider = LlamaProvider(path, n_ctx=8192, n_threads=args.threads)
    provider.load()
    runs: list[Run] = []
    print(f"{'request':52} {'scoped s':>8} {'works':>5} {'outside':>7} {'whole s':>8} "
          f"{'works':>5}")
    for case in [c for c in CASES if args.only in (c.app, "")][:args.cases]:
        scoped = run_case(provider, case, "scoped")
        whole = scoped if args.scoped_only else run_case(provider, case, "whole")
        runs += [scoped] if args.scoped_only else [scoped, whole]
        name = f"{case.app} {case.scope} {case.instruction}"[:52]
        print(f"{name:52} {scoped.key_to_preview_s:8.1f} {'yes' if scoped.works else 'no':>5} "
              f"{scoped.outside_bytes:7d} {whole.key_to_preview_s:8.1f} "
              f"{'yes' if whole.works else 'no':>5}"
              + (f"   scoped: {scoped.why[:60]}" if not scoped.works else ""), flush=True)
        for run in ((scoped, whole) if args.replies else ())[:1 if args.scoped_only else 2]:
            if not run.works:
                print(f"--- {run.mode} reply ({run.why}):\n{run.result.reply}\n---")
    provider.close()
    summary = {}
    for label, chosen in (("all", runs), ("tuned on", [r for r in runs if not r.case.holdout]),
                          ("holdout", [r for r in runs if r.case.holdout])):
        for mode in ("scoped", "whole"):
            mine = [r for r in chosen if r.mode == mode]
            if not mine:
                continue
            times = [r.key_to_preview_s for r in mine]
            summary[f"{label}/{mode}"] = {
                "requests": len(mine), "p50_s": round(statistics.median(times), 2),
                "p95_s": round(percentile(times, 0.95), 2),
                "works": sum(r.works for r in mine),
                "tokens_out_median": statistics.median(r.result.tokens_out for r in mine),
                "outside_bytes": sum(r.outside_bytes or 0 for r in mine)
                if mode == "scoped" else None}
    print()
    print(f"{'':22} {'p50 s':>6} {'p95 s':>6} {'works':>7} {'tokens':>6} {'outside':>7}")
    for key, row in summary.items():
        outside = "" if row["outside_bytes"] is None else str(row["outside_bytes"])
        print(f"{key:22} {row['p50_s']:6.1f} {row['p95_s']:6.1f} "
              f"{row['works']:>3}/{row['requests']:<3} {row['tokens_out_median']:6.0f} "
              f"{outside:>7}")
    if "all/whole" in summary and not args.scoped_only:
        ratio = summary["all/scoped"]["p50_s"] / summary["all/whole"]["p50_s"]
        print(f"\nscoped p50 ÷ whole-file p50 in this run: {ratio:.2f}")
    if args.json:
        print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
