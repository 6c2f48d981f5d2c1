"""The model request in flight, off the GUI thread: at most one at a time. Starting one
supersedes the last (cancelled, unless a benchmark's baseline says not to); a superseded
request's result is cached by the engine but never delivered."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from desktop.core.generation.generate import CodeProgress, GenerationRequest, GenerationResult
from desktop.core.generation.kinds import kind_for
from desktop.core.generation.prompts import build_messages
from desktop.core.generation.scoped import Scope
from desktop.core.providers.base import ChatRequest
from desktop.core.routing.engine import Engine
from desktop.core.routing.router import RouteDecision
from desktop.ui.generation.state import LoopOptions
from desktop.ui.workers import BackgroundJob


@dataclass
class Running:
    id: int
    request: GenerationRequest
    cancel: threading.Event
    decision: RouteDecision


class ModelRequests(QObject):
    progressed = Signal(str)  # the page so far (completed so that it renders)
    finished = Signal(object, object)  # Running, GenerationResult
    failed = Signal(object)  # the exception
    started = Signal(object)  # RouteDecision
    superseded = Signal()
    # Every reply a model sent (instruction, GenerationResult), superseded ones too: they
    # cost tokens, so they are recorded.
    reply_received = Signal(str, object)

    def __init__(self, engine: Engine, options: LoopOptions,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.options = options
        self.running: Running | None = None
        self._ids = itertools.count(1)
        self._warming: threading.Event | None = None

    def cache_key(self, decision: RouteDecision, scope: Scope | None) -> str:
        """The engine's cache key for this route; a scoped result is its own entry."""
        key = self.engine.cache_key(decision)
        return key if scope is None else f"{key}|scope {scope.start}-{scope.end}"

    def start(self, instruction: str, base_code: str, decision: RouteDecision,
              screenshot: bytes | None = None, scope: Scope | None = None) -> None:
        settings = self.engine.settings
        kind = kind_for(instruction, base_code)
        request = GenerationRequest(instruction, base_code, settings.max_tokens,
                                    settings.temperature, settings.edit_format, kind,
                                    screenshot, not self.options.prefix_friendly_prompt, scope)
        self.cancel()
        engine, request_id, cancel = self.engine, next(self._ids), threading.Event()
        cache_key = self.cache_key(decision, request.scope)
        running = Running(request_id, request, cancel, decision)

        def work(emit) -> GenerationResult:
            return engine.run(decision, request, cancel, on_progress=emit)

        job = BackgroundJob(work, self)
        job.progressed.connect(lambda event: self._progressed(running, event))
        job.succeeded.connect(lambda result: self._finished(running, cache_key, result))
        job.failed.connect(lambda error: self._failed(running, error))
        self.running = running
        self.started.emit(decision)
        job.start()

    def cancel(self) -> None:
        if self.running is not None:
            if self.options.cancel_superseded:
                self.running.cancel.set()
            self.running = None
            self.superseded.emit()

    def prefill(self, base_code: str, edit_format: str, scope: Scope | None = None) -> None:
        """While the user thinks about the next instruction, the local model reads the new
        code (and, with a scope, the part aimed at): the next request starts from a warm
        KV cache (seconds saved)."""
        self.stop_prefill()
        local = self.engine.local
        if local is None or self.engine.router.fast_tier()[0] != "local":
            return
        cancel = threading.Event()
        request = ChatRequest(build_messages("", base_code, edit_format,
                                             kind_for("", base_code), scope=scope),
                              cancel=cancel)
        self._warming = cancel
        BackgroundJob(lambda _emit: local.prefill(request), self).start()

    def stop_prefill(self) -> None:
        if self._warming is not None:
            self._warming.set()

    def _progressed(self, running: Running, event: CodeProgress) -> None:
        if running is self.running:
            self.progressed.emit(event.code)

    def _finished(self, running: Running, cache_key: str, result: GenerationResult) -> None:
        request = running.request
        self.reply_received.emit(request.instruction, result)
        if result.route_reason == running.decision.reason:
            # A fallback's result is not what this route gives when all is well.
            self.engine.cache.put(request.instruction, request.base_code, cache_key, result)
        if running is self.running:
            self.running = None
            self.finished.emit(running, result)

    def _failed(self, running: Running, error: BaseException) -> None:
        if running is self.running:
            self.running = None
            self.failed.emit(error)
