"""The real default model (Qwen2.5-Coder 0.5B, Q4) through our provider, small max_tokens."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.core.generation.generate import GenerationRequest, GenerationResult, generate
from desktop.core.generation.prompts import build_messages
from desktop.core.providers.base import ChatRequest, Done, TextDelta, Usage

pytestmark = pytest.mark.model

BASE_CODE = "<!DOCTYPE html>\n<html><head><style>\n" + "".join(
    f".row{n} {{ margin: {n}px; padding: {n}px; color: #{n:03d}; }}\n" for n in range(40)
) + "</style></head><body><h1>Base</h1></body></html>"


def collect(provider, request):
    started = time.perf_counter()
    first = None
    events = []
    for event in provider.stream(request):
        if isinstance(event, TextDelta) and first is None:
            first = time.perf_counter() - started
        events.append(event)
    return events, first


def test_it_streams_tokens_then_usage_then_done(local_provider):
    request = ChatRequest(build_messages("a button that says hi", ""), max_tokens=12)
    events, _first = collect(local_provider, request)
    deltas = [e for e in events if isinstance(e, TextDelta)]
    usage = next(e for e in events if isinstance(e, Usage))
    assert len(deltas) >= 5 and "".join(d.text for d in deltas).strip()
    assert usage.tokens_in > 100 and 1 <= usage.tokens_out <= 12
    assert events[-1] == Done("length")


def test_cancel_lands_mid_stream(local_provider):
    request = ChatRequest(build_messages("a todo list app", ""), max_tokens=400)
    seen = 0
    stream = local_provider.stream(request)
    for event in stream:
        if isinstance(event, TextDelta):
            seen += 1
            if seen == 3:
                cancelled_at = time.perf_counter()
                request.cancel.set()
        if isinstance(event, Done):
            break
    assert event == Done("cancelled")
    assert time.perf_counter() - cancelled_at < 0.5
    assert seen <= 5


def test_cancel_lands_during_a_long_prompt_eval(local_provider):
    long_code = BASE_CODE * 4  # about 3,000 tokens: over ten seconds of prompt eval here
    request = ChatRequest(build_messages("make it dark", long_code), max_tokens=8)
    threading.Timer(0.5, request.cancel.set).start()
    started = time.perf_counter()
    events, first = collect(local_provider, request)
    assert events[-1] == Done("cancelled") and first is None
    assert time.perf_counter() - started < 2.0


def test_a_superseded_request_is_dropped_before_it_starts(local_provider):
    busy = ChatRequest(build_messages("a big table", BASE_CODE * 2), max_tokens=8)
    stale = ChatRequest(build_messages("stale", ""), max_tokens=8)
    fresh = ChatRequest(build_messages("fresh", ""), max_tokens=4)
    busy_stream, stale_stream = local_provider.stream(busy), local_provider.stream(stale)
    next_busy = threading.Thread(target=lambda: list(busy_stream))
    next_busy.start()
    time.sleep(0.1)
    stale_events = []
    stale_thread = threading.Thread(target=lambda: stale_events.extend(stale_stream))
    stale_thread.start()
    fresh_events, _ = collect(local_provider, fresh)  # queued after stale: supersedes it
    busy.cancel.set()
    next_busy.join(10)
    stale_thread.join(10)
    assert stale_events == [Done("cancelled")]
    assert any(isinstance(e, TextDelta) for e in fresh_events)


def test_the_next_keystroke_reuses_the_prompt_prefix(local_provider):
    """Same system prompt and code, a longer instruction: only the end is evaluated. (What
    that saves in seconds is a figure of bench/keystroke_latency.py, not an assertion.)"""
    collect(local_provider, ChatRequest(build_messages("add a footer", BASE_CODE),
                                        max_tokens=2))
    warm_events, _warm = collect(local_provider, ChatRequest(
        build_messages("add a footer with a link", BASE_CODE), max_tokens=2))
    warm_usage = next(e for e in warm_events if isinstance(e, Usage))
    assert warm_usage.cached_tokens > 0.9 * warm_usage.tokens_in


def test_a_generated_app_comes_back_as_code(local_provider):
    request = GenerationRequest("a page with a heading that says Hello", max_tokens=120)
    result = list(generate(local_provider, request))[-1]
    assert isinstance(result, GenerationResult)
    assert result.code is not None and "<html" in result.code.lower()
    assert result.code.rstrip().endswith("</html>")
    assert result.ttft_ms is not None and result.tokens_out > 10


def test_prefill_after_a_commit_makes_the_next_instruction_warm(local_provider):
    """What the window does after Enter: read the new code ahead of the next instruction."""
    code = BASE_CODE.replace("Base", "Committed")
    local_provider.prefill(ChatRequest(build_messages("", code)))
    events, first = collect(local_provider, ChatRequest(
        build_messages("make the heading red", code), max_tokens=2))
    usage = next(e for e in events if isinstance(e, Usage))
    assert usage.cached_tokens > 0.95 * usage.tokens_in
    assert first < 1.5


def test_a_closed_model_answers_with_an_error_instead_of_hanging(default_model_file):
    from desktop.core.providers.base import Error
    from desktop.core.providers.llama_local import LlamaProvider

    provider = LlamaProvider(default_model_file, n_ctx=1024)
    provider.close()
    events = list(provider.stream(ChatRequest(build_messages("x", ""), max_tokens=2)))
    assert len(events) == 1 and isinstance(events[0], Error)
    assert "closed" in events[0].message
