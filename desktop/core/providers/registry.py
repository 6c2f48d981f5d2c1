"""Provider ids to classes, imported lazily so that starting the app does not import every
SDK (the installer spec lists these modules as hidden imports)."""

from __future__ import annotations

from importlib import import_module

from desktop.core.providers.base import Provider

PROVIDER_MODULES: dict[str, tuple[str, str]] = {
    "local": ("desktop.core.providers.llama_local", "LlamaProvider"),
    "cerebras": ("desktop.core.providers.chat_completions", "CerebrasProvider"),
    "openai": ("desktop.core.providers.chat_completions", "OpenAIProvider"),
    "anthropic": ("desktop.core.providers.claude", "ClaudeProvider"),
}


def provider_class(provider_id: str) -> type[Provider]:
    try:
        module_name, class_name = PROVIDER_MODULES[provider_id]
    except KeyError:
        known = ", ".join(sorted(PROVIDER_MODULES))
        raise KeyError(f"Unknown provider '{provider_id}'. Known providers: {known}.") from None
    return getattr(import_module(module_name), class_name)
