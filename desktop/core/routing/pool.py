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

from desktop.core.local_models.loading import strong_model_installed
from desktop.core.providers import registry
from desktop.core.providers.base import Provider, ProviderError
from desktop.core.settings import Settings


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
        configured = registry.configured_url(s, pid)
        return (registry.key_for(pid, configured).key, registry.base_url(pid, configured),
                registry.model_of(s, pid), s.request_timeout_s, s.cerebras_prediction,
                s.cerebras_reasoning_effort)

    def available(self) -> frozenset[str]:
        """Providers that can be asked: local always; the local strong model when it is
        chosen and installed; a cloud one with a key (an OpenAI-compatible server needs a
        base URL and a model instead, as local servers have no keys). Also drops clients
        whose key, URL or model changed."""
        ready = {"local"}
        if self._loaders["local-strong"] is not None and strong_model_installed(self.settings):
            ready.add("local-strong")
        specs = {row.id: row for row in registry.cloud()}
        configs = {pid: self._config(pid) for pid in specs}  # the keyring may be slow
        with self._lock:
            for pid, config in configs.items():
                key, url, model, *_ = config
                if self._configs.get(pid) not in (None, config):
                    self._drop(pid)
                usable = bool(key and model) if specs[pid].needs_key else bool(url and model)
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

    def loaded(self, provider_id: str) -> Provider | None:
        """The provider if it is made already; never makes one."""
        with self._lock:
            return self._providers.get(provider_id)

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
        row = registry.spec(pid)
        if not row.needs_key and not (url and model):
            raise ProviderError(f"{row.label[0].upper()}{row.label[1:]} needs a base URL and a "
                                "model name in Settings → Providers (or "
                                f"{row.base_url_env_var}).")
        if row.needs_key and not key:
            raise ProviderError(f"{row.label} has no API key. Set one in Settings → Providers "
                                f"or in {row.key_env_var}.")
        return registry.make_provider(pid, key, url, model, self.settings)

    def _drop(self, pid: str) -> None:
        provider = self._providers.pop(pid, None)
        self._configs.pop(pid, None)
        if provider is not None:
            provider.close()

    def close(self) -> None:
        with self._lock:
            for pid in list(self._providers):
                self._drop(pid)

