"""The engine: who can answer, who should, who failed lately, and what was already made.

One per app (the window, or one CLI command), made there and handed to whoever needs it:
the keystroke loop, the model actions, the model bridge, naming, evals. It owns the
provider pool, the router, the circuit breaker, the gate the two local models share, and
the result cache; it decides nothing on its own (routing/commit.py says what Enter and Fix
do).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from desktop.core.generation.cache import ResultCache
from desktop.core.generation.generate import (
    CodeProgress,
    GenerationEvent,
    GenerationRequest,
    GenerationResult,
)
from desktop.core.local_models.files import verify_again
from desktop.core.local_models.loading import open_local_provider, wanted_model
from desktop.core.providers import registry
from desktop.core.providers.base import Provider
from desktop.core.providers.local_gate import LocalGate
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.failover import generate_routed
from desktop.core.routing.pool import ProviderPool
from desktop.core.routing.router import RouteDecision, Router
from desktop.core.settings import Settings

LocalLoader = Callable[[LocalGate], Provider]


class Engine:
    def __init__(self, settings: Settings, spent_today: Callable[[], float] = lambda: 0.0,
                 *, load_local: LocalLoader | None = None,
                 load_strong: LocalLoader | None = None) -> None:
        """`load_local`: how to load the fast local model on first use (the CLI); the
        window loads it itself, with progress, and hands it over with `set_local`.
        `load_strong`: the local strong model (default: the one in the settings, loaded
        the first time Enter escalates to it)."""
        self.settings = settings
        self.breaker = CircuitBreaker()
        self.gate = LocalGate()
        self.cache = ResultCache()
        strong = load_strong or (lambda gate: open_local_provider(
            settings, tier="strong", gate=gate, warm=False))
        self.pool = ProviderPool(
            settings, (lambda: load_local(self.gate)) if load_local else None,
            lambda: strong(self.gate))
        self.router = Router(settings, self.breaker, spent_today=spent_today)
        self._rechecked: set[Path] = set()  # model files hashed again this session

    def refresh(self) -> frozenset[str]:
        """Look up which providers can be asked now (keys, servers, installed models) and
        route with them. The keyring may be slow: call off the GUI thread."""
        available = self.pool.available()
        self.router.available = available
        return available

    def set_local(self, provider: Provider | None) -> None:
        self.pool.set_local(provider)

    @property
    def local(self) -> Provider | None:
        """The fast local model, once loaded."""
        return self.pool.loaded("local")

    def fast_provider(self) -> Provider:
        """Whoever answers keystrokes now (a val's model calls and app names go there too).
        May make a client: call off the GUI thread."""
        return self.pool.get(self.router.fast_tier()[0])

    def cache_key(self, decision: RouteDecision) -> str:
        """Which model a result for this route comes from (the result cache's key)."""
        pid = decision.provider_id
        if pid == "local":
            local = self.local
            return f"local:{local.model_name if local else ''}"
        if pid == "local-strong":
            return f"local-strong:{wanted_model(self.settings, 'strong')}"
        return f"{pid}:{registry.model_of(self.settings, pid)}"

    def stream(self, decision: RouteDecision, request: GenerationRequest,
               cancel: threading.Event | None = None, edit_format: str = ""
               ) -> Iterator[GenerationEvent]:
        """The request over the decision's chain, streaming; the edit format per provider
        from the settings unless one is given."""
        formats = (lambda _pid: edit_format) if edit_format else self.settings.edit_format_for
        for event in generate_routed(self.pool, decision, request, self.breaker, cancel,
                                     formats):
            if isinstance(event, GenerationResult) and event.code is None \
                    and event.finish_reason == "stop":
                event = self._garbage_from(event)
            yield event

    def _garbage_from(self, result: GenerationResult) -> GenerationResult:
        """A finished reply without code: once a session, hash the local model's file
        again, since a damaged file writes nothing but garbage."""
        path = getattr(self.pool.loaded(result.provider), "model_path", None)
        if path is None or path in self._rechecked:
            return result
        self._rechecked.add(path)
        damage = verify_again(path)
        return replace(result, note=damage) if damage else result

    def run(self, decision: RouteDecision, request: GenerationRequest,
            cancel: threading.Event | None = None, edit_format: str = "",
            on_progress: Callable[[CodeProgress], None] | None = None) -> GenerationResult:
        """`stream`, to the end (the CLI and evals, which have a thread to spare)."""
        result = None
        for event in self.stream(decision, request, cancel, edit_format):
            if isinstance(event, GenerationResult):
                result = event
            elif on_progress is not None:
                on_progress(event)
        assert result is not None
        return result

    def close(self) -> None:
        """The local models and the cloud clients. Waits for a model's thread: call off the
        GUI thread or at exit."""
        self.pool.close()
