"""The providers a session uses, made once and reused.

A cloud client is made the first time it is needed and kept (a Cerebras client warms a
connection when it is made). The local model is given (the window loads it in the
background) or loaded on first use (the CLI). The local strong model is loaded the first
time Enter escalates to it: most sessions never need its gigabyte. Making a client, loading
a model and reading the keyring may block: call `available` and `get` off the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop.core import keys
from desktop.core.local_models.loading import strong_model_installed
from desktop.core.providers.base import Provider, ProviderError
from desktop.core.providers.registry import provider_class
from desktop.core.routing.router import LABELS
from desktop.core.settings import Settings

CLOUD = ("cerebras", "anthropic", "openai")


class ProviderPool:
    def __init__(self, settings: Settings,
                 local_loader: Callable[[], Provider] | None = None,
                 strong_loader: Callable[[], Provider] | None = None) -> None:
        self.settings = settings
        self._loaders = {"local": local_loader, "local-strong": strong_loader}
        self._providers: dict[str, Provider] = {}
        self._configs: dict[str, tuple] = {}
        self._lock = threading.RLock()

    def _config(self, pid: str) -> tuple:
        """(key, base URL, model, then what else shapes the client) as they are now."""
        s = self.settings
        model = {"cerebras": s.cerebras_model, "anthropic": s.anthropic_model,
                 "openai": s.openai_model}[pid]
        configured = {"cerebras": s.cerebras_base_url, "anthropic": s.anthropic_base_url,
                      "openai": s.openai_base_url}[pid]
        return (keys.lookup(pid).key, keys.base_url(pid, configured), model,
                s.request_timeout_s, s.cerebras_prediction, s.cerebras_reasoning_effort)

    def available(self) -> frozenset[str]:
        """Providers that can be asked: local always; the local strong model when it is
        chosen and installed; a cloud one with a key (an OpenAI-compatible server needs a
        base URL and a model instead, as local servers have no keys). Also drops clients
        whose key, URL or model changed."""
        ready = {"local"}
        if self._loaders["local-strong"] is not None and strong_model_installed(self.settings):
            ready.add("local-strong")
        configs = {pid: self._config(pid) for pid in CLOUD}  # the keyring may be slow
        with self._lock:
            for pid, config in configs.items():
                key, url, model, *_ = config
                if self._configs.get(pid) not in (None, config):
                    self._drop(pid)
                usable = (bool(url and model) if pid == "openai" else bool(key and model))
                if usable:
                    ready.add(pid)
        return frozenset(ready)

    def get(self, provider_id: str) -> Provider:
        """The provider, made on first use. Making one can take a while (a client warms
        its connection, the CLI loads the local model), so it happens outside the lock:
        the window's thread may need the lock meanwhile."""
        with self._lock:
            provider = self._providers.get(provider_id)
            if provider is not None:
                return provider
            loader = self._loaders.get(provider_id)
            if provider_id == "local" and loader is None:
                raise ProviderError("The local model is still loading.")
            if provider_id == "local-strong" and loader is None:
                raise ProviderError("There is no local strong model here.")
        config = None if loader is not None else self._config(provider_id)
        made = loader() if loader is not None else self._make_cloud(provider_id, config)
        with self._lock:
            if provider_id in self._providers:  # another thread made one first
                made.close()
                return self._providers[provider_id]
            self._providers[provider_id] = made
            if config is not None:
                self._configs[provider_id] = config
            return made

    def set_local(self, provider: Provider | None) -> None:
        """Use this local model from now on. The one it replaces is not closed here: its
        owner closes it off the GUI thread (closing waits for the model thread)."""
        with self._lock:
            self._providers.pop("local", None)
            if provider is not None:
                self._providers["local"] = provider

    def take(self, provider_id: str) -> Provider | None:
        """Stop using a provider and hand it over (to be closed off the GUI thread): the
        next `get` makes a new one, e.g. after its model or threads changed."""
        with self._lock:
            self._configs.pop(provider_id, None)
            return self._providers.pop(provider_id, None)

    def _make_cloud(self, pid: str, config: tuple) -> Provider:
        key, url, model, *_ = config
        if pid == "openai" and not (url and model):
            raise ProviderError("The OpenAI-compatible server needs a base URL and a model "
                                "name in Settings → Providers (or OPENAI_BASE_URL).")
        if pid != "openai" and not key:
            raise ProviderError(f"{LABELS[pid]} has no API key. Set one in Settings → Providers "
                                f"or in {keys.ENV_VARS[pid]}.")
        return make_cloud_provider(pid, key, url, model, self.settings)

    def _drop(self, pid: str) -> None:
        provider = self._providers.pop(pid, None)
        self._configs.pop(pid, None)
        if provider is not None:
            provider.close()

    def close(self) -> None:
        with self._lock:
            for pid in list(self._providers):
                self._drop(pid)


def make_cloud_provider(pid: str, key: str, base_url: str, model: str,
                        settings: Settings) -> Provider:
    """A cloud provider with these values (the dialog tests typed ones before saving)."""
    extra: dict = {}
    timeout = settings.request_timeout_s
    if pid == "anthropic":
        timeout = max(timeout, 30.0)  # Claude writes more slowly than the fast tier
    elif pid == "cerebras":
        extra = {"send_prediction": settings.cerebras_prediction,
                 "reasoning_effort": settings.cerebras_reasoning_effort}
    return provider_class(pid)(model, key, base_url, timeout, **extra)
