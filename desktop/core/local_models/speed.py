"""A quick benchmark of a local model on this machine, for the model manager.

Published tokens/s figures are for other machines; what decides whether a model is usable
here is how fast it reads a prompt and writes code on these cores. The run goes through
the same provider and gate as real requests, so it never competes with a model that is
working, and takes about ten seconds for the 0.5B model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from desktop.core.generation.prompts import build_messages
from desktop.core.providers.base import ChatRequest, Done, Error, TextDelta, Usage
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings

SAMPLE_INSTRUCTION = "a tip calculator with a bill input, a tip percent input and a result"
GENERATE_TOKENS = 96
# A reply at least this long says how fast a model writes; a shorter one says more about
# how long it waited to start.
IN_USE_MIN_TOKENS = 200


@dataclass(frozen=True)
class Speed:
    prompt_per_s: float  # prompt tokens read per second (no cache)
    tokens_per_s: float  # tokens written per second
    threads: int


def measure_speed(path: Path, threads: int, n_ctx: int, gate: LocalGate | None = None) -> Speed:
    """Load the model, read the standard prompt cold, write GENERATE_TOKENS tokens."""
    provider = LlamaProvider(path, n_ctx=n_ctx, n_threads=threads, gate=gate)
    try:
        provider.load()
        request = ChatRequest(build_messages(SAMPLE_INSTRUCTION, ""),
                              max_tokens=GENERATE_TOKENS, temperature=0)
        started = time.perf_counter()
        first = None
        usage = Usage(0, 0)
        for event in provider.stream(request):
            if isinstance(event, TextDelta) and first is None:
                first = time.perf_counter()
            elif isinstance(event, Usage):
                usage = event
            elif isinstance(event, Error):
                raise RuntimeError(event.message)
            elif isinstance(event, Done):
                break
        ended = time.perf_counter()
    finally:
        provider.close()
    if first is None or usage.tokens_out < 2:
        raise RuntimeError("The model wrote nothing, so its speed could not be measured.")
    return Speed(prompt_per_s=usage.tokens_in / max(first - started, 1e-6),
                 tokens_per_s=(usage.tokens_out - 1) / max(ended - first, 1e-6),
                 threads=threads)


def remember_speed_in_use(settings: Settings, key: str, tokens_per_s: float | None,
                          tokens_out: int, threads: int) -> bool:
    """A real request showed how fast the model `key` writes here: keep it in
    `settings.model_speed` unless something better says it — the model manager's
    benchmark, or a faster real request (a slower one shared the cores). True when the
    settings changed (the caller saves them)."""
    if tokens_out < IN_USE_MIN_TOKENS or not tokens_per_s:
        return False
    known = settings.model_speed.get(key)
    if known and ("prompt_per_s" in known or known.get("tokens_per_s", 0) >= tokens_per_s):
        return False
    settings.model_speed[key] = {"tokens_per_s": round(tokens_per_s, 1), "threads": threads,
                                 "in_use": True}
    return True
