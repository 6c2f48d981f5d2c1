"""Open the local model the user asked for: find or assemble the file, then load it.

Shared by the window (in a background job, with a progress bar) and the CLI (with a
progress line on the terminal)."""

from __future__ import annotations

from collections.abc import Callable

from desktop.core.catalog import load_catalog
from desktop.core.model_files import ModelChoice, Progress, resolve_model
from desktop.core.prompts import build_messages
from desktop.core.providers.base import ChatRequest
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.settings import Settings


def choose_model(settings: Settings, override: str = "",
                 progress: Progress | None = None) -> ModelChoice:
    """The verified model file: an explicit override, else the settings, else the default."""
    return resolve_model(load_catalog(), override or settings.model_path or settings.model_id,
                         progress)


def open_local_provider(settings: Settings, override: str = "",
                        progress: Progress | None = None,
                        status: Callable[[str], None] = lambda _text: None,
                        warm: bool = True) -> LlamaProvider:
    choice = choose_model(settings, override, progress)
    status(f"Loading {choice.display_name}…")
    provider = LlamaProvider(choice.path, n_ctx=settings.context_length,
                             n_threads=settings.effective_threads,
                             display_name=choice.display_name)
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
