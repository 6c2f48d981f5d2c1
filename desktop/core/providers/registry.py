"""The one table of what each model provider is.

Keys, router labels, the settings dialog, the CLI's choices and the per-provider settings
all read this table; adding a provider is one class plus one row. Classes are imported
lazily, so starting the app does not import every SDK (the installer spec lists their
modules as hidden imports).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from urllib.parse import urlsplit

from desktop.core import keys
from desktop.core.providers.base import Provider
from desktop.core.settings import Settings


@dataclass(frozen=True)
class ProviderSpec:
    id: str
    label: str  # how route reasons and the status bar name it: "Cerebras"
    module: str
    class_name: str
    local: bool = False  # a GGUF run here: no key, no URL, no settings tab
    fast: bool = False  # may serve every keystroke (Settings → Routing)
    title: str = ""  # the settings dialog's heading for its tab
    tab: str = ""
    key_env_var: str = ""  # the vendor's own variable, as its SDK reads it
    base_url_env_var: str = ""
    default_url: str = ""  # the vendor's own endpoint; "" when the user brings a server
    url_hint: str = ""  # what to type as a base URL when there is no default
    # False: a server of the user's own, asked with a base URL and a model name instead.
    needs_key: bool = True

    @property
    def model_setting(self) -> str:
        return f"{self.id}_model"

    @property
    def base_url_setting(self) -> str:
        return f"{self.id}_base_url"


PROVIDERS: tuple[ProviderSpec, ...] = (
    ProviderSpec("local", "the local model", "desktop.core.providers.llama_local",
                 "LlamaProvider", local=True, fast=True),
    ProviderSpec("local-strong", "the local strong model", "desktop.core.providers.llama_local",
                 "LlamaProvider", local=True),
    ProviderSpec("cerebras", "Cerebras", "desktop.core.providers.chat_completions",
                 "CerebrasProvider", fast=True, title="Cerebras (fast tier)", tab="Cerebras",
                 key_env_var="CEREBRAS_API_KEY", base_url_env_var="CEREBRAS_BASE_URL",
                 default_url="https://api.cerebras.ai"),
    ProviderSpec("anthropic", "Claude", "desktop.core.providers.claude", "ClaudeProvider",
                 title="Claude (strong tier)", tab="Claude", key_env_var="ANTHROPIC_API_KEY",
                 base_url_env_var="ANTHROPIC_BASE_URL", default_url="https://api.anthropic.com"),
    ProviderSpec("openai", "the OpenAI-compatible server",
                 "desktop.core.providers.chat_completions", "OpenAIProvider", fast=True,
                 title="OpenAI-compatible server (llama-server, vLLM, Ollama…)",
                 tab="OpenAI-compatible", key_env_var="OPENAI_API_KEY",
                 base_url_env_var="OPENAI_BASE_URL", default_url="https://api.openai.com/v1",
                 url_hint="http://gpu-box:8080/v1", needs_key=False),
)


def spec(provider_id: str) -> ProviderSpec:
    for row in PROVIDERS:
        if row.id == provider_id:
            return row
    known = ", ".join(row.id for row in PROVIDERS)
    raise KeyError(f"Unknown provider '{provider_id}'. Known providers: {known}.")


def label(provider_id: str) -> str:
    return spec(provider_id).label


def cloud() -> list[ProviderSpec]:
    return [row for row in PROVIDERS if not row.local]


def fast_cloud() -> list[str]:
    """Cloud providers that may serve keystrokes, in the order "auto" tries them."""
    return [row.id for row in PROVIDERS if row.fast and not row.local]


def cli_choices() -> list[str]:
    return ["auto", *(row.id for row in PROVIDERS)]


def provider_class(provider_id: str) -> type[Provider]:
    row = spec(provider_id)
    return getattr(import_module(row.module), row.class_name)


def model_of(settings: Settings, provider_id: str) -> str:
    return getattr(settings, spec(provider_id).model_setting, "")


def set_model(settings: Settings, provider_id: str, model: str) -> None:
    setattr(settings, spec(provider_id).model_setting, model)


def configured_url(settings: Settings, provider_id: str) -> str:
    """The base URL typed in Settings ("" when none)."""
    return getattr(settings, spec(provider_id).base_url_setting, "")


def base_url(provider_id: str, configured: str) -> str:
    """The URL typed in Settings, else the vendor's own environment variable, else ""
    (the SDK's default)."""
    return keys.base_url(configured, spec(provider_id).base_url_env_var)


def key_for(provider_id: str, configured_url: str, explicit: str = "") -> keys.KeyLookup:
    """The key to send to this provider at this URL. A vendor's key from the environment
    goes only to that vendor: to its own endpoint, or to a URL set in the vendor's own
    environment variable beside it (the SDK's convention). A server typed into Settings (a
    GPU box, a friend's server) gets only a key stored for it."""
    row = spec(provider_id)
    found = keys.lookup(provider_id, row.key_env_var, explicit)
    if found.source == "environment" and configured_url and not _same_host(
            configured_url, row.default_url):
        return keys.KeyLookup("", "")
    return found


def _same_host(url: str, vendor_url: str) -> bool:
    return bool(vendor_url) and urlsplit(url).hostname == urlsplit(vendor_url).hostname


def make_provider(provider_id: str, key: str, url: str, model: str,
                  settings: Settings) -> Provider:
    """A cloud provider with these values (the dialog tests typed ones before saving)."""
    return provider_class(provider_id).from_settings(model, key, url, settings)


def env_key_names() -> str:
    return " / ".join(row.key_env_var for row in cloud() if row.key_env_var)
