"""`keystroke generate`: one instruction through the same core the window uses: routed to a
provider, retried and falling back the same way, and recorded in the same history."""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

from desktop.cli.history import record_generation
from desktop.cli.terminal import cli_engine, load_settings, say
from desktop.core.checking.self_test import SelfTest
from desktop.core.generation.generate import CodeProgress, GenerationRequest, GenerationResult
from desktop.core.generation.instructions import strip_command
from desktop.core.generation.kinds import kind_for
from desktop.core.generation.scoped import Scope
from desktop.core.providers import registry
from desktop.core.routing import commit
from desktop.core.routing.engine import Engine
from desktop.core.routing.router import STRONG_TIER, RouteDecision
from desktop.core.settings import Settings


def cloud_model_override(settings: Settings, provider: str, model: str) -> str:
    """`--model` names the cloud provider's model when one is chosen (then no local model
    is overridden); else it is a local catalog id or GGUF path, returned."""
    if provider != "auto" and not registry.spec(provider).local and model:
        registry.set_model(settings, provider, model)
        return ""
    return model


def run_generate(args: argparse.Namespace, model: str) -> int:
    """Exit status 0: a page was made; 1: it was not; 2: the request itself was wrong."""
    if args.scope:
        if not args.base:
            say("--scope needs --base FILE: the code whose part is changed.")
            return 2
        try:
            Scope.parse(args.base.read_text(encoding="utf-8"), args.scope)
        except ValueError as exc:
            say(f"--scope {args.scope}: {exc}")
            return 2
    settings = load_settings()
    local_model = cloud_model_override(settings, args.provider, model)
    engine = cli_engine(settings, local_model)
    try:
        result = generate_and_keep(engine, args)
    finally:
        engine.close()
    return _report(args, result)


def generate_and_keep(engine: Engine, args: argparse.Namespace) -> GenerationResult:
    """What Enter does in the window, for one instruction: routing/commit.py decides."""
    engine.refresh()
    base = args.base.read_text(encoding="utf-8") if args.base else ""
    settings = engine.settings
    request = GenerationRequest(args.instruction, base,
                                args.max_tokens or settings.max_tokens, settings.temperature,
                                kind=kind_for(args.instruction, base),
                                scope=Scope.parse(base, args.scope) if args.scope else None)
    if args.provider != "auto":
        return _run(engine, engine.router.forced(args.provider, args.instruction), request,
                    args)
    made: list[GenerationResult] = []
    tested: dict[int, SelfTest | None] = {}

    def make(route: RouteDecision, instruction: str, base: str) -> GenerationResult:
        asked = replace(request, instruction=instruction, base_code=base,
                        scope=None) if base else request
        made.append(_run(engine, route, asked, args))
        return made[-1]

    def problems_of(draft: GenerationResult) -> tuple[str, list[str]]:
        found = tested[id(draft)] = _self_test(engine, draft, args.instruction)
        problems = found.problems if found else []
        thrown = found.thrown if found else []
        return commit.draft_failure(draft, thrown, found=problems), problems

    result, plans = commit.enter_without_a_draft(engine.router, args.instruction, make,
                                                 problems_of)
    if plans[-1].step is commit.Step.FIX:
        before = tested.get(id(made[0]))
        after = _self_test(engine, result, args.instruction)
        if before is not None and after is not None and not commit.fix_is_better(
                before.score(), after.score()):
            say(f"the fix was no better ({after.badge}; the draft: {before.badge}): "
                "keeping the draft")
            return made[0]
    return result


def _self_test(engine: Engine, result: GenerationResult, instruction: str) -> SelfTest | None:
    """What trying the result out finds (None: not tried: there is no strong tier to hand
    problems to, escalation is off, or no code came back; trying starts a headless
    browser)."""
    if not engine.settings.auto_escalate or result.code is None or not (
            STRONG_TIER & engine.router.available):
        return None
    from desktop.ui.preview.page_check import self_test

    return self_test(result.code, instruction, val=result.kind == "val")


def _run(engine: Engine, decision: RouteDecision, request: GenerationRequest,
         args: argparse.Namespace) -> GenerationResult:
    say(f"route: {decision.reason}")
    stream_to_stdout = args.output is None and not args.json
    printed = ""
    result: GenerationResult | None = None
    for event in engine.stream(decision, request, edit_format=args.edit_format or ""):
        if isinstance(event, GenerationResult):
            result = event
        elif stream_to_stdout and event.raw.startswith(printed):
            sys.stdout.write(event.raw[len(printed):])
            sys.stdout.flush()
            printed = event.raw
        elif isinstance(event, CodeProgress) and not stream_to_stdout:
            sys.stderr.write(f"\r{event.tokens_out} tokens…")
            sys.stderr.flush()
    assert result is not None
    if not stream_to_stdout:
        sys.stderr.write("\n")
    if stream_to_stdout and result.code is not None:
        if result.code.startswith(printed):
            sys.stdout.write(result.code[len(printed):])
        else:
            sys.stdout.write("\n")
            say("the finished page differs from the streamed text (it was repaired); use "
                 "-o FILE to get the exact page.")
    if result.route_reason != decision.reason:
        say(f"route: {result.route_reason}")
    return result


def _report(args: argparse.Namespace, result: GenerationResult) -> int:
    if args.output is not None and result.ok:  # a failed run leaves the file as it was
        _write_atomically(args.output, result.code)
    instruction = strip_command(args.instruction)[0]
    project = record_generation(instruction, result, args.project) if result.ok else None
    if result.message:
        say(result.message)
    if args.json:
        print(json.dumps({
            "provider": result.provider, "model": result.model,
            "route_reason": result.route_reason,
            "ttft_ms": _round(result.ttft_ms), "total_ms": _round(result.total_ms),
            "tokens_in": result.tokens_in, "tokens_out": result.tokens_out,
            "cached_tokens": result.cached_tokens, "cache_read_tokens": result.cached_tokens,
            "cache_creation_tokens": result.cache_creation_tokens,
            "cost_usd": round(result.cost_usd, 6), "server_timing": result.server_timing,
            "finish_reason": result.finish_reason,
            "output_path": str(args.output) if args.output and result.ok else None,
            "code": result.code if args.output is None else None,
            "error": result.message or None,
            "project": project,
            "scope": _scope_summary(result),
        }, indent=2))
    return 0 if result.ok else 1


def _scope_summary(result: GenerationResult) -> dict | None:
    """For a scoped edit: what the scope became, and everything it changed outside itself
    (only the additions it declared; nothing else outside changes)."""
    edit = result.scoped
    if edit is None:
        return None
    first, last = edit.scope.lines(edit.code)
    return {"label": edit.scope.label(edit.code), "lines": [first, last],
            "code": edit.code[edit.scope.start:edit.scope.end],
            "outside": [{"kind": a.kind, "text": a.text} for a in edit.additions]}


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
