"""`keystroke generate`: one instruction through the same core the window uses: routed to a
provider, retried and falling back the same way, and recorded in the same history."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from desktop.cli.history import record_generation
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.failover import generate_routed
from desktop.core.generation.generate import CodeProgress, GenerationRequest, GenerationResult
from desktop.core.local_models.loading import open_local_provider
from desktop.core.routing.pool import ProviderPool
from desktop.core.providers.local_gate import LocalGate
from desktop.core.routing.router import STRONG_TIER, RouteDecision, Router, strip_command
from desktop.core.settings import Settings
from desktop.core.store import Store
from desktop.core.store.reports import spent_today
from desktop.core.generation.kinds import kind_for

CLOUD_MODEL_SETTINGS = {"cerebras": "cerebras_model", "anthropic": "anthropic_model",
                        "openai": "openai_model"}


def terminal_progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\rPreparing the local model (first run only) [{'#' * filled}"
                     f"{'.' * (width - filled)}] {done / 1e6:,.0f}/{total / 1e6:,.0f} MB")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def local_pool(settings: Settings, model: str = "", strong_model: str = "") -> ProviderPool:
    """A pool whose two local models load on first use and share one gate."""
    gate = LocalGate()
    return ProviderPool(
        settings,
        lambda: open_local_provider(settings, model, progress=terminal_progress, warm=False,
                                    status=_say, gate=gate),
        lambda: open_local_provider(settings, strong_model, progress=terminal_progress,
                                    warm=False, status=_say, tier="strong", gate=gate))


def _say(text: str) -> None:
    print(f"keystroke: {text}", file=sys.stderr)


def _spent_today() -> float:
    store = Store()
    try:
        return spent_today(store)
    finally:
        store.close()


def run_generate(args: argparse.Namespace, model: str) -> int:
    settings = Settings.load()
    local_model = model
    if args.provider in CLOUD_MODEL_SETTINGS and model:
        setattr(settings, CLOUD_MODEL_SETTINGS[args.provider], model)
        local_model = ""
    base = args.base.read_text(encoding="utf-8") if args.base else ""
    pool = local_pool(settings, local_model)
    breaker = CircuitBreaker()
    router = Router(settings, breaker, pool.available())
    request = GenerationRequest(args.instruction, base,
                                args.max_tokens or settings.max_tokens, settings.temperature,
                                args.edit_format or settings.edit_format,  # per provider below
                                kind_for(args.instruction, base))
    try:
        if args.provider == "auto":
            decision = router.route(args.instruction, "commit", spent_today_usd=_spent_today())
        else:
            decision = router.forced(args.provider, args.instruction)
        result = _run(pool, breaker, decision, request, args)
        failure = _fast_failure(result, router) if args.provider == "auto" and \
            not decision.escalated else ""
        if failure:
            retry = router.route(args.instruction, "commit", fast_failure=failure,
                                 spent_today_usd=_spent_today())
            if retry.escalated:
                _say(f"the fast result failed ({failure})")
                result = _run(pool, breaker, retry, request, args)
    finally:
        pool.close()
    return _report(args, result)


def _fast_failure(result: GenerationResult, router: Router) -> str:
    """Why the fast tier's result should go to the strong tier, if it should: no code, or a
    page that throws when loaded (checked only when a strong tier exists, since the check
    starts a headless browser)."""
    if result.finish_reason == "cancelled" or not router.settings.auto_escalate:
        return ""
    if result.code is None:
        return "no code came back"
    if not STRONG_TIER & router.available:
        return ""
    from desktop.ui.preview.page_check import check_page, check_val

    with tempfile.TemporaryDirectory(prefix="keystroke-check-") as folder:
        page = Path(folder) / ("main.http.ts" if result.kind == "val" else "index.html")
        page.write_text(result.code, encoding="utf-8")
        report = check_val(page) if result.kind == "val" else check_page(str(page))
        if report.server_errors:
            return f"the val failed: {report.server_errors[0][:100]}"
    return (f"the page threw: {report.uncaught_errors[0][:100]}" if report.uncaught_errors
            else "")


def _run(pool: ProviderPool, breaker: CircuitBreaker, decision: RouteDecision,
         request: GenerationRequest, args: argparse.Namespace) -> GenerationResult:
    _say(f"route: {decision.reason}")
    stream_to_stdout = args.output is None and not args.json
    printed = ""
    result: GenerationResult | None = None
    formats = ((lambda _provider: args.edit_format) if args.edit_format
               else pool.settings.edit_format_for)
    for event in generate_routed(pool, decision, request, breaker, edit_format_for=formats):
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
            _say("the finished page differs from the streamed text (it was repaired); use "
                 "-o FILE to get the exact page.")
    if result.route_reason != decision.reason:
        _say(f"route: {result.route_reason}")
    return result


def _report(args: argparse.Namespace, result: GenerationResult) -> int:
    if args.output is not None and result.code is not None:
        _write_atomically(args.output, result.code)
    instruction = strip_command(args.instruction)[0]
    project = record_generation(instruction, result, args.project) if result.ok else None
    if result.message:
        _say(result.message)
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
            "output_path": str(args.output) if args.output and result.code else None,
            "code": result.code if args.output is None else None,
            "error": result.message or None,
            "project": project,
        }, indent=2))
    return 0 if result.ok else 1


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
