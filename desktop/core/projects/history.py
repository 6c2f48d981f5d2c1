"""Turning generations into history: versions, messages and what they cost.

The window and `keystroke generate` both record through here, so they share one history."""

from __future__ import annotations

import re

from desktop.core.generation.generate import GenerationResult
from desktop.core.providers.base import Usage
from desktop.core.providers.pricing import cost_usd
from desktop.core.store.database import MessageUsage, Store, Version

MAX_NAME = 48
LONG_THREAD_TURNS = 10


def usage_of(result: GenerationResult) -> MessageUsage:
    return MessageUsage(
        provider=result.provider, model=result.model, tokens_in=result.tokens_in,
        tokens_out=result.tokens_out, cache_read_tokens=result.cached_tokens,
        cache_creation_tokens=result.cache_creation_tokens, cost_usd=result.cost_usd,
        ttft_ms=result.ttft_ms, total_ms=result.total_ms, route_reason=result.route_reason,
        server_timing=result.server_timing)


def record_draft(store: Store, project_id: int, instruction: str,
                 result: GenerationResult) -> None:
    """A keystroke generation that reached the model: it cost tokens even if never kept."""
    if result.from_cache or (result.tokens_out == 0 and not result.reply):
        return
    store.record_exchange(project_id, instruction, result.reply, usage_of(result), "draft")


def record_val_model_call(store: Store, project_id: int, provider_id: str, model: str,
                          usage: Usage, reply: str) -> None:
    """A val's std/openai call, answered through the model bridge: it costs like any other
    generation, so Usage and Cost and the daily cap count it."""
    store.record_exchange(project_id, "(a val asked the model)", reply, MessageUsage(
        provider_id, model, usage.tokens_in, usage.tokens_out, usage.cache_creation_tokens,
        usage.cached_tokens, cost_usd(provider_id, model, usage.tokens_in, usage.tokens_out,
                                      usage.cache_creation_tokens, usage.cached_tokens),
        route_reason="a val asked the model (std/openai)"), "draft")


def commit(store: Store, project_id: int, instruction: str, result: GenerationResult,
           parent_id: int | None, recorded_as_draft: bool = False) -> Version:
    """A kept result: a new version, and the exchange that made it in the thread. Its cost
    counts once: not again when it was already recorded as a draft (the window records
    every result as it arrives) or came from the cache."""
    assert result.code is not None
    version = store.add_version(project_id, result.code, instruction, result.provider,
                                result.model, parent_id, result.route_reason)
    usage = usage_of(result)
    if result.from_cache or recorded_as_draft:
        usage = MessageUsage(result.provider, result.model)
    store.record_exchange(project_id, instruction, result.reply, usage, "commit", version.id)
    return version


def commit_hand_edit(store: Store, project_id: int, code: str, parent_id: int | None,
                     note: str = "(edited by hand)") -> Version:
    return store.add_version(project_id, code, note, "hand", "", parent_id)


def name_from_instruction(instruction: str) -> str:
    """A short project name that is also a valid Val Town val name: letters, digits, - and
    _, starting with a letter, at most 48 characters."""
    words = re.findall(r"[A-Za-z0-9]+", instruction.lower())
    stop = {"a", "an", "the", "with", "and", "that", "for", "of", "to", "me", "make", "i", "my"}
    kept = [w for w in words if w not in stop] or words or ["app"]
    name = "-".join(kept)
    if not name[0].isalpha():
        name = "app-" + name
    return name[:MAX_NAME].rstrip("-_")


def needs_fresh_thread(store: Store, project_id: int) -> bool:
    """From the tenth turn, long threads get worse and cost more: time to offer a fresh one."""
    return store.thread_turns(store.current_thread(project_id)) >= LONG_THREAD_TURNS
