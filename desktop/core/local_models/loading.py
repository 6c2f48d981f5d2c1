"""Open the local models the user asked for: find or assemble the file, then load it.

There are two tiers: the fast model drafts on every keystroke, the strong model answers
what Enter escalates when Claude cannot be used. Both share one LocalGate, so only one of
them computes at a time. Shared by the window (in background jobs, with a progress bar) and
the CLI (with a progress line on the terminal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal

from desktop.core.generation.prompts import build_messages
from desktop.core.local_models.catalog import load_catalog
from desktop.core.local_models.files import ModelChoice, Progress, is_installed, resolve_model
from desktop.core.providers.base import ChatRequest
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import FAST, STRONG, LocalGate
from desktop.core.settings import Settings

Tier = Literal["fast", "strong"]

# With no model chosen for drafts, the strong model drafts too once it measures at least
# this fast here with the drafting threads. Drafted by the 1.5B, 82% of the basic and
# holdout suites' apps worked, against 68% for the 0.5B's drafts with the same fixing
# (issue 16's note); at 30 tokens/s a typical page (about 600 tokens) streams in within
# 20 s, its first frame in a second or two. On 2 cores the 1.5B writes about 15.
DRAFTING_TOKENS_PER_S = 30.0


def wanted_model(settings: Settings, tier: Tier = "fast") -> str:
    """The model id or GGUF path a tier uses ("" for the fast tier: the catalog default;
    "" for the strong tier: none). Drafts use the user's choice, else the strong model
    when it is fast enough here (strong_drafts), else the default."""
    strong = settings.strong_model_path or settings.strong_model_id
    if tier == "strong":
        return strong
    return settings.model_path or settings.model_id or (strong if strong_drafts(settings)
                                                        else "")


def drafting_speed(settings: Settings) -> float:
    """How fast the strong model would draft here, in tokens/s (0 when never measured):
    what was measured, scaled to the threads drafts get (all cores but one) from the
    threads it was measured with (every core, as the strong tier runs)."""
    strong = wanted_model(settings, "strong")
    speed = settings.model_speed.get(strong) if strong else None
    if not speed:
        return 0.0
    measured_with = max(1, int(speed.get("threads") or 1))
    drafting_with = settings.threads_for(strong)
    return float(speed.get("tokens_per_s", 0)) * min(1.0, drafting_with / measured_with)


def strong_drafts(settings: Settings) -> bool:
    """Is the strong model drafting because it measured fast enough (no model was chosen
    for drafts)?"""
    return not (settings.model_path or settings.model_id) and \
        drafting_speed(settings) >= DRAFTING_TOKENS_PER_S


def model_key(choice: ModelChoice) -> str:
    """How per-model settings name a model: its catalog id, else its path."""
    return choice.spec.id if choice.spec else str(choice.path)


def choose_model(settings: Settings, override: str = "", progress: Progress | None = None,
                 tier: Tier = "fast") -> ModelChoice:
    """The verified model file: an explicit override, else the settings, else the default."""
    return resolve_model(load_catalog(), override or wanted_model(settings, tier), progress)


def strong_model_installed(settings: Settings) -> bool:
    """Can the strong tier run here: is one chosen, and are its file or parts on disk?
    Cheap (no hashing): the router asks on every settings change."""
    wanted = wanted_model(settings, "strong")
    if not wanted:
        return False
    if settings.strong_model_path:
        return Path(settings.strong_model_path).expanduser().is_file()
    try:
        return is_installed(load_catalog().get(wanted))
    except KeyError:
        return False


def open_local_provider(settings: Settings, override: str = "",
                        progress: Progress | None = None,
                        status: Callable[[str], None] = lambda _text: None,
                        warm: bool = True, tier: Tier = "fast",
                        gate: LocalGate | None = None) -> LlamaProvider:
    choice = choose_model(settings, override, progress, tier)
    status(f"Loading {choice.display_name}…")
    key = model_key(choice)
    provider = LlamaProvider(choice.path, n_ctx=settings.context_for(key),
                             n_threads=settings.threads_for(key, every_core=tier == "strong"),
                             display_name=choice.display_name, gate=gate,
                             priority=STRONG if tier == "strong" else FAST)
    try:
        provider.load()
        if warm:
            # The system prompt is the same for every request: evaluate it now so the
            # first keystroke finds it in the KV cache.
            status("Warming up…")
            provider.prefill(ChatRequest(build_messages("", "")))
    except Exception:
        provider.close()
        raise
    return provider
