"""`keystroke eval`: generate every request of a suite through the real pipeline, judge each
page in the headless preview, print a table, store the run, and compare with the last one."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import asdict, replace
from pathlib import Path

from desktop.cli.generate import cloud_model_override
from desktop.cli.terminal import cli_engine, load_settings, open_store
from desktop.core.checking.judge import (
    EvalCase,
    Verdict,
    check_script,
    judge,
    static_problems,
)
from desktop.core.checking.second_opinion import ask_judge
from desktop.core.checking.self_test import SelfTest, unfinished
from desktop.core.evals.suites import load_suite, prompt_version
from desktop.core.generation.generate import GenerationRequest, GenerationResult
from desktop.core.providers.base import Provider, ProviderError
from desktop.core.routing import commit
from desktop.core.routing.engine import Engine
from desktop.core.routing.router import RouteDecision
from desktop.core.store.eval_runs import CaseResult, previous_run, record_run


def run_eval(args: argparse.Namespace, model: str) -> int:
    settings = load_settings()
    model = cloud_model_override(settings, args.provider, model)
    # Nobody types during an eval: the local models may use every core.
    settings.threads = args.threads or os.cpu_count() or 1
    fix = settings.auto_fix if args.fix is None else args.fix
    cases = load_suite(args.suite)
    if args.limit:
        cases = cases[:args.limit]
    strong_model = model if args.provider == "local-strong" else ""
    engine = cli_engine(settings, "" if strong_model else model, strong_model)
    rows = []
    try:
        engine.refresh()
        judge_by = _second_opinion(engine, cases, args.second_opinion)
        for case in cases:
            result, verdict, found = evaluate_case(engine, case, args.provider, fix,
                                                   args.max_tokens or settings.max_tokens,
                                                   judge_by)
            rows.append((case, result, verdict, found))
            if args.keep and result.code is not None:
                args.keep.mkdir(parents=True, exist_ok=True)
                (args.keep / f"{case.id}.html").write_text(result.code, encoding="utf-8")
            mark = "pass" if verdict.passed else "FAIL"
            print(f"{mark}  {case.id:16s} {result.total_ms / 1000:6.1f} s  "
                  f"{result.tokens_out:5d} tok  self-test: {found.badge:10s} {verdict.reason}",
                  file=sys.stderr)
    finally:
        engine.close()
    summary = _summary(rows, fix)
    previous = _store(args.suite, args.provider, rows, summary)
    _print(args, rows, summary, previous)
    return 0 if summary["passed"] == len(rows) else 1


def evaluate_case(engine: Engine, case: EvalCase, provider: str, fix: bool, max_tokens: int,
                  judge_by: Provider | None = None
                  ) -> tuple[GenerationResult, Verdict, SelfTest]:
    """One case as the window would make it: Enter without a draft (routing/commit.py:
    the strong tier fixes a draft whose self-test found problems), then, with `fix`,
    auto-fix's tries, each kept only when it tests better. The time and tokens of every
    attempt are counted (so is their cost, which follows from them)."""
    settings = engine.settings
    request = GenerationRequest(case.request, "", max_tokens, settings.temperature)
    judged: dict[int, tuple[Verdict, SelfTest]] = {}
    made: list[GenerationResult] = []

    def make(route: RouteDecision, instruction: str = case.request,
             base: str = "") -> GenerationResult:
        made.append(engine.run(route, replace(request, instruction=instruction,
                                              base_code=base)))
        return made[-1]

    def judged_of(result: GenerationResult) -> tuple[Verdict, SelfTest]:
        if id(result) not in judged:
            judged[id(result)] = judge_result(case, result, judge_by)
        return judged[id(result)]

    def problems_of(result: GenerationResult) -> tuple[str, list[str]]:
        if result.code is None:  # nothing to fix: the strong tier makes it
            return commit.draft_failure(result), []
        found = judged_of(result)[1]
        return (commit.draft_failure(result, found.thrown, found=found.problems),
                found.problems)

    if provider == "auto":
        result, plans = commit.enter_without_a_draft(engine.router, case.request, make,
                                                     problems_of)
        if plans[-1].step is commit.Step.FIX and not commit.fix_is_better(
                judged_of(made[0])[1].score(), judged_of(result)[1].score()):
            result = made[0]  # the fix was no better than the draft it fixed
    else:
        result = make(engine.router.forced(provider, case.request))
    verdict, found = judged_of(result)
    fixed = result is not made[0]
    attempt = 1
    while fix and not found.works and result.code is not None:
        plan = commit.plan_fix(engine.router, found.problems, attempt, by_user=False,
                               request=case.request)
        if plan is None:
            break
        attempt += 1
        route = plan.route if provider == "auto" else engine.router.forced(
            provider, plan.instruction)
        attempt_result = make(route, plan.instruction, result.code)
        if attempt_result.code is None:
            continue
        attempt_verdict, attempt_found = judged_of(attempt_result)
        if commit.fix_is_better(found.score(), attempt_found.score()):
            result, verdict, found, fixed = attempt_result, attempt_verdict, attempt_found, True
    if fixed:
        verdict = replace(verdict, reason=(verdict.reason + " (after a fix)").strip())
    return replace(result, total_ms=sum(r.total_ms for r in made),
                   tokens_in=sum(r.tokens_in for r in made),
                   tokens_out=sum(r.tokens_out for r in made)), verdict, found


def _second_opinion(engine: Engine, cases: list[EvalCase], wanted: bool) -> Provider | None:
    """Claude, when some case asks a judge question, Claude has a key, and the user did not
    turn the second opinion off."""
    if not wanted or not any(c.judge for c in cases) or \
            "anthropic" not in engine.router.available:
        return None
    try:
        return engine.pool.get("anthropic")
    except ProviderError as exc:
        print(f"keystroke: no second opinion: {exc}", file=sys.stderr)
        return None


def judge_result(case: EvalCase, result: GenerationResult,
                 second_opinion: Provider | None = None) -> tuple[Verdict, SelfTest]:
    """Load the page in the headless preview, run the case's check (or, for a case with a
    judge question, ask `second_opinion` about a screenshot), and judge. Also tries the
    page out as the window does (what a fix is asked to fix, and the self-test's own
    verdict, reported beside the suite's)."""
    if result.code is None:
        return judge(case, None, False, [], None), unfinished("no code in the reply")
    from desktop.ui.preview.page_check import check_page, self_test

    with tempfile.TemporaryDirectory(prefix="keystroke-eval-") as folder:
        page = Path(folder) / "index.html"
        page.write_text(result.code, encoding="utf-8")
        report = check_page(str(page), probe=check_script(case),
                            capture=bool(case.judge and second_opinion))
    opinion = None
    if case.judge and second_opinion is not None and report.loaded and \
            not report.uncaught_errors and not static_problems(result.code):
        opinion = ask_judge(second_opinion, case, result.code, report.screenshot)
    verdict = judge(case, result.code, report.loaded, report.uncaught_errors, report.probe,
                    opinion)
    return verdict, self_test(result.code, case.request)


def _summary(rows, fix: bool) -> dict:
    count = max(len(rows), 1)
    working = [found for _c, _r, v, found in rows if v.passed]
    broken = [found for _c, _r, v, found in rows if not v.passed]
    return {"cases": len(rows), "passed": sum(v.passed for _c, _r, v, _f in rows),
            "clean": sum(v.clean for _c, _r, v, _f in rows),
            "mean_s": round(sum(r.total_ms for _c, r, _v, _f in rows) / count / 1000, 2),
            "tokens": sum(r.tokens_out for _c, r, _v, _f in rows),
            "cost_usd": round(sum(r.cost_usd for _c, r, _v, _f in rows), 6),
            "model": rows[0][1].model if rows else "", "prompt_version": prompt_version(),
            "fix_step": fix,
            # How well the self-test agrees with the suite's checks: of the apps the checks
            # judge not working, how many it caught; of the working ones, how many it flagged.
            "self_test": {"caught": sum(not f.works for f in broken), "broken": len(broken),
                          "false_flags": sum(not f.works for f in working),
                          "working": len(working)}}


def _store(suite: str, provider: str, rows, summary: dict) -> dict | None:
    """Keep this run (with the model and the prompts' version); return the run before it
    for the same suite and model, with its verdicts (for --compare)."""
    results = [CaseResult(c.id, v.passed, v.clean, v.reason, round(r.total_ms / 1000, 2),
                          r.tokens_out, found.as_dict()) for c, r, v, found in rows]
    store = open_store()
    try:
        run_id = record_run(store, {**summary, "suite": suite, "provider": provider}, results)
        return previous_run(store, suite, summary["model"], run_id)
    finally:
        store.close()


def _print(args, rows, summary: dict, previous: dict | None) -> None:
    if args.json:
        print(json.dumps({"summary": summary, "cases": [
            {**asdict(v), "passed": v.passed, "seconds": round(r.total_ms / 1000, 2),
             "tokens_out": r.tokens_out, "self_test": found.as_dict()}
            for _c, r, v, found in rows]}, indent=2))
        return
    verdicts = previous["verdicts"] if previous else {}
    print(f"{'case':16s} {'verdict':8s} {'self-test':11s} {'s':>6s} {'tokens':>6s}  reason")
    for case, result, verdict, found in rows:
        change = ""
        if args.compare and case.id in verdicts and verdicts[case.id] != verdict.passed:
            change = "  (better)" if verdict.passed else "  (WORSE)"
        print(f"{case.id:16s} {'pass' if verdict.passed else 'FAIL':8s} {found.badge:11s} "
              f"{result.total_ms / 1000:6.1f} {result.tokens_out:6d}  {verdict.reason}{change}")
        for problem in found.problems[:3]:
            print(f"{'':26s}  - {problem}")
    st = summary["self_test"]
    print(f"\n{summary['passed']}/{summary['cases']} working, {summary['clean']} clean; "
          f"mean {summary['mean_s']} s, {summary['tokens']} tokens, ${summary['cost_usd']}; "
          f"model {summary['model']}, prompts {summary['prompt_version']}")
    print(f"self-test: caught {st['caught']} of {st['broken']} not working; flagged "
          f"{st['false_flags']} of {st['working']} working")
    if args.compare:
        if previous is None:
            print("no earlier run of this suite with this model to compare with")
            return
        run = previous["run"]
        print(f"last run ({run['created_at'][:16]}, prompts {run['prompt_version']}): "
              f"{run['passed']}/{run['cases']} working, {run['clean']} clean, "
              f"mean {run['mean_s']} s")
