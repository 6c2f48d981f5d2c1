"""Run a routed request: retry briefly, then fall back along the chain, and say so.

Retries are ours, not the SDKs' (their clients are made with max_retries=0): a wait here is
short, capped, and ends at once when the request is cancelled by the next keystroke. A
rejected key is never retried. A reply cut off mid-stream is not retried either: what
arrived is kept and shown, and the user decides.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

from desktop.core.generation.generate import (
    GenerationEvent,
    GenerationRequest,
    GenerationResult,
    generate,
)
from desktop.core.providers import registry
from desktop.core.providers.base import ProviderError
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.pool import ProviderPool
from desktop.core.routing.router import RouteDecision

RETRIES = 2  # after the first try, for a service that is busy or unreachable
BACKOFF_S = (0.3, 0.8)
MAX_WAIT_S = 2.0  # a Retry-After longer than this is honoured by going elsewhere


def generate_routed(pool: ProviderPool, decision: RouteDecision, request: GenerationRequest,
                    breaker: CircuitBreaker, cancel: threading.Event | None = None,
                    edit_format_for: Callable[[str], str] | None = None
                    ) -> Iterator[GenerationEvent]:
    """Like `generate`, over the decision's chain. The result's route_reason says who
    answered and why; its note says what failed on the way. `edit_format_for` picks the
    edit format per provider (default: the request's)."""
    cancel = cancel or threading.Event()
    request = replace(request, instruction=decision.instruction or request.instruction)
    chain = (decision.provider_id, *decision.fallbacks)
    failures: list[str] = []
    last: GenerationResult | None = None
    for position, pid in enumerate(chain):
        if position > 0 and breaker.is_open(pid):
            failures.append(f"{registry.label(pid)} is cooling down")
            continue
        try:
            provider = pool.get(pid)
        except ProviderError as exc:
            failures.append(str(exc))
            continue
        asked = request if edit_format_for is None else replace(
            request, edit_format=edit_format_for(pid))
        for attempt in range(RETRIES + 1):
            result = None
            for event in generate(provider, asked, cancel):
                if isinstance(event, GenerationResult):
                    result = event
                else:
                    yield event
            assert result is not None
            last = result
            if result.error is None:
                if result.finish_reason != "cancelled":  # a cancel says nothing of its health
                    breaker.record_success(pid)
                yield _finish(result, decision, pid, failures)
                return
            if cancel.is_set():  # failed after the user moved on: counts for nothing
                yield _finish(replace(result, finish_reason="cancelled", error=None),
                              decision, pid, failures)
                return
            if result.tokens_out > 0 and result.reply:
                yield _finish(result, decision, pid, failures)  # cut off: keep what came
                return
            wait = _retry_wait(result, attempt)
            if wait is None or cancel.wait(wait):
                break
        if cancel.is_set():
            yield _finish(replace(last, finish_reason="cancelled", error=None), decision, pid,
                          failures)
            return
        breaker.record_failure(pid, last.error_kind, last.retry_after_s)
        failures.append(last.error or f"{registry.label(pid)} failed")
    if last is None:
        last = GenerationResult(None, "", decision.provider_id, "", "error",
                                error=" ".join(failures) or "No provider could be used.")
        yield replace(last, route_reason=decision.reason)
        return
    yield replace(last, route_reason=decision.reason,
                  error=" Then: ".join(failures) if len(failures) > 1 else last.error)


def _retry_wait(result: GenerationResult, attempt: int) -> float | None:
    """Seconds to wait before trying the same provider again, or None to move on."""
    if attempt >= RETRIES:
        return None
    if result.error_kind == "rate_limit":
        wait = result.retry_after_s if result.retry_after_s is not None else BACKOFF_S[attempt]
        return wait if wait <= MAX_WAIT_S else None
    if result.error_kind in ("unavailable", "network"):
        return BACKOFF_S[attempt]
    return None  # a timeout has already waited long enough: go elsewhere


def _finish(result: GenerationResult, decision: RouteDecision, served_by: str,
            failures: list[str]) -> GenerationResult:
    if served_by == decision.provider_id:
        return replace(result, route_reason=decision.reason)
    first = registry.label(decision.provider_id)
    reason = f"{registry.label(served_by)}: {first} failed, fell back"
    note = " ".join([*failures, f"Used {registry.label(served_by)} instead.", result.note])
    return replace(result, route_reason=reason, note=note.strip())
