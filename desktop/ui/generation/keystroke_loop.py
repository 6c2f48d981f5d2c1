"""The keystroke loop: debounce, supersede, cache, commit, cancel.

Every change of the instruction restarts a short timer; when it fires, the instruction is
generated against the committed code. A newer request cancels the one in flight (only the
newest result is ever shown), and a result already made for the same instruction, code and
model comes from the cache without a model call. Enter keeps the result as the new base
code; Esc drops it and shows the base again.

Which model answers is the router's call (core/routing/router.py): keystrokes go to the
fast tier;
Enter may escalate to the strong tier, Claude or else the local strong model (Ctrl+Enter,
the toolbar toggle, /sonnet, a hard request, or a fast result that failed), and then the
strong tier's page is the one kept. The two local models share one gate (one computes at a
time), so the strong one starting cancels a fast draft still running.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.failover import generate_routed
from desktop.core.generation.fixing import fix_instruction
from desktop.core.generation.generate import (
    CodeProgress,
    GenerationRequest,
    GenerationResult,
    ResultCache,
)
from desktop.core.local_models.loading import open_local_provider, wanted_model
from desktop.core.generation.prompts import build_messages
from desktop.core.routing.pool import ProviderPool
from desktop.core.providers.base import ChatRequest, Provider
from desktop.core.providers.local_gate import LocalGate
from desktop.core.routing.router import LABELS, STRONG_TIER, Purpose, RouteDecision, Router
from desktop.core.settings import Settings
from desktop.core.generation.kinds import kind_for
from desktop.ui.workers import BackgroundJob

PREVIEW_INTERVAL_MS = 200  # at most one partial page per interval while streaming


@dataclass
class _Running:
    id: int
    instruction: str
    base_code: str
    cancel: threading.Event
    job: BackgroundJob
    decision: RouteDecision
    kind: str  # "page" or "val"


class GenerationController(QObject):
    code_shown = Signal(str, bool, int)  # code, final, display tag
    state_changed = Signal(str)
    result_ready = Signal(object)  # GenerationResult, stale ones excluded
    committed = Signal(str, object, str)  # instruction, GenerationResult, the code it changed
    notice = Signal(str, bool)  # something the user should read; True: an error
    latency_measured = Signal(float)  # last keystroke → page in the preview, ms
    route_chosen = Signal(str)  # why the request just started goes where it goes
    # Every reply a model sent (instruction, GenerationResult), superseded and cancelled
    # ones too: they cost tokens, so they are recorded.
    reply_received = Signal(str, object)

    def __init__(self, settings: Settings, parent: QObject | None = None,
                 strong: Provider | None = None) -> None:
        """`strong`: the local strong model to use (tests); by default the one in the
        settings, loaded the first time Enter escalates to it."""
        super().__init__(parent)
        self.settings = settings
        self.local: Provider | None = None  # the local model, once loaded
        self.breaker = CircuitBreaker()
        self.gate = LocalGate()  # shared by the fast and the strong local model
        self.pool = ProviderPool(settings, strong_loader=(lambda: strong) if strong else (
            lambda: open_local_provider(settings, tier="strong", gate=self.gate, warm=False)))
        self.router = Router(settings, self.breaker)
        self.want_strong = False  # the toolbar toggle: Enter asks the strong tier
        self.spent_today_usd = 0.0
        self.base_code = ""
        self.cache = ResultCache()
        self.generations_started = 0
        self._instruction = ""
        self._typed_at = time.perf_counter()
        self._running: _Running | None = None
        self._warming: threading.Event | None = None
        self._draft: GenerationResult | None = None  # finished result for _instruction
        self._fast_failure = ""  # why the fast tier's page for _instruction is no good
        self._pending_commit = False
        self._ids = itertools.count(1)
        self._tags = itertools.count(1)
        self._measuring = False  # waiting for the first page since the last keystroke
        self._awaiting_preview: dict[int, float] = {}
        self._partial: tuple[int, str] | None = None
        self._debounce = QTimer(self, singleShot=True, interval=settings.debounce_ms)
        self._debounce.timeout.connect(self._start_current)
        self._throttle = QTimer(self, singleShot=True, interval=PREVIEW_INTERVAL_MS)
        self._throttle.timeout.connect(self._flush_partial)

    # -- inputs ------------------------------------------------------------------------

    @property
    def streaming_kind(self) -> str:
        """What the request in flight makes: "page" or "val"."""
        return self._running.kind if self._running is not None else "page"

    @property
    def busy(self) -> bool:
        return self._running is not None or self._debounce.isActive()

    def set_local(self, provider: Provider | None) -> None:
        """The local model is loaded (or gone, while another one loads)."""
        if provider is None or self._routes_to("local"):
            self._cancel_running()
        self.local = provider
        self.pool.set_local(provider)
        if provider is not None and self._instruction.strip() and self._running is None:
            self._start_current()

    def set_available(self, providers: frozenset[str]) -> None:
        """Which providers have keys (or servers) now; looked up off the GUI thread."""
        self.router.available = providers

    def _routes_to(self, provider_id: str) -> bool:
        return self._running is not None and self._running.decision.provider_id == provider_id

    def _cache_key(self, decision: RouteDecision) -> str:
        if decision.provider_id == "local":
            return f"local:{self.local.model_name if self.local else ''}"
        if decision.provider_id == "local-strong":
            return f"local-strong:{wanted_model(self.settings, 'strong')}"
        model = getattr(self.settings, f"{decision.provider_id}_model", "")
        return f"{decision.provider_id}:{model}"

    def _route(self, purpose: Purpose, strong: bool = False,
               strong_why: str = "asked for Claude") -> RouteDecision:
        return self.router.route(self._instruction.strip(), purpose,
                                 want_strong=strong or self.want_strong,
                                 fast_failure=self._fast_failure,
                                 spent_today_usd=self.spent_today_usd, strong_why=strong_why)

    def restore_instruction(self, text: str) -> None:
        """An instruction brought back from a draft: remembered, not generated until the
        user types or presses Enter."""
        self._instruction = text

    def prompt_changed(self, text: str) -> None:
        self._instruction = text
        self._typed_at = time.perf_counter()
        self._measuring = True
        self._draft = None
        self._fast_failure = ""
        self._debounce.start(self.settings.debounce_ms)

    def page_error(self, message: str) -> None:
        """The preview reported an uncaught error; if it came from the page that Enter
        would keep, Enter asks the strong tier instead (when the router allows)."""
        if self._draft is not None and self._draft.provider not in STRONG_TIER:
            self._fast_failure = f"the page threw: {message[:100]}"

    def commit(self, strong: bool = False) -> None:
        """Keep the result for the current instruction as the base code (Enter); with
        `strong` (Ctrl+Enter), or when the router escalates, the strong tier makes it
        first."""
        if not self._instruction.strip():
            return
        decision = self._route("commit", strong)
        if decision.escalated and (self._draft is None or
                                   self._draft.provider not in STRONG_TIER):
            self._escalate(decision)
            return
        if decision.reason != self._route("keystroke").reason:
            self.route_chosen.emit(decision.reason)  # e.g. escalation stopped by the cap
        if self._draft is not None:
            self._commit(self._draft)
            return
        self._pending_commit = True
        self.state_changed.emit("Finishing, then keeping it…")
        if self._debounce.isActive() or self._running is None:
            self._debounce.stop()
            self._start_current()

    def cancel_and_restore(self) -> None:
        """Drop the generation in flight and show the base code again (Esc)."""
        self._drop_pending()
        self._measuring = False
        self._show(self.base_code, final=True)
        self.state_changed.emit("Cancelled; showing the last kept version")

    def set_base(self, code: str) -> None:
        """Work from this code now (a restored version, an opened project): drop whatever
        was in flight and show it."""
        self.code_edited_by_hand(code)
        self._show(code, final=True)

    def code_edited_by_hand(self, code: str) -> None:
        """A person edited the code: that is the base now, and no model is involved."""
        self._stop_warming()
        self._drop_pending()
        self.base_code = code

    def fix(self, errors: list[str], strong: bool = True,
            screenshot: bytes | None = None) -> None:
        """Fix it: the page on screen is kept first if it is a draft (so the broken and the
        fixed page are both versions); then the model (with `strong`, the strong tier when
        there is one) is asked to fix the errors against it, and its page is kept."""
        if self._draft is not None:
            self._commit(self._draft)
        self._drop_pending()
        self._instruction = fix_instruction(errors)
        self._fast_failure = ""
        self._pending_commit = True
        decision = self._route("commit", strong=strong, strong_why="fixing errors")
        self.state_changed.emit("Fixing, then keeping it…")
        self._launch(self._instruction, decision, screenshot)

    def _escalate(self, decision: RouteDecision) -> None:
        self._debounce.stop()
        self._draft = None
        self._cancel_running()
        self._pending_commit = True
        self.state_changed.emit(f"Asking {LABELS[decision.provider_id]}, then keeping it…")
        self._launch(self._instruction.strip(), decision)

    def _drop_pending(self) -> None:
        """Forget the typed-but-not-generated, the draft and the request in flight."""
        self._debounce.stop()
        self._pending_commit = False
        self._draft = None
        self._cancel_running()

    def _stop_warming(self) -> None:
        if self._warming is not None:
            self._warming.set()

    def preview_shown(self, tag: int) -> None:
        typed_at = self._awaiting_preview.pop(tag, None)
        if typed_at is not None:
            self._measuring = False
            self.latency_measured.emit((time.perf_counter() - typed_at) * 1000)

    def shutdown(self) -> None:
        self._stop_warming()
        self._drop_pending()

    # -- the loop --------------------------------------------------------------------------

    def _start_current(self) -> None:
        instruction = self._instruction.strip()
        if not instruction:
            self._cancel_running()
            self._show(self.base_code, final=True)
            self.state_changed.emit("Ready")
            return
        decision = self._route("keystroke")
        if decision.provider_id == "local" and self.local is None:
            self.state_changed.emit("Waiting for the model…")
            return
        cached = self.cache.get(instruction, self.base_code, self._cache_key(decision))
        if cached is not None:
            self._cancel_running()
            self._finish(cached, current=True)
            return
        running = self._running
        if running and running.instruction == instruction and running.base_code == self.base_code:
            return  # the same request is already on its way
        self._cancel_running()
        self._launch(instruction, decision)

    def _launch(self, instruction: str, decision: RouteDecision,
                screenshot: bytes | None = None) -> None:
        pool, breaker = self.pool, self.breaker
        request_id, cancel = next(self._ids), threading.Event()
        kind = kind_for(instruction, self.base_code)
        request = GenerationRequest(instruction, self.base_code, self.settings.max_tokens,
                                    self.settings.temperature, self.settings.edit_format, kind,
                                    screenshot)
        cache_key = self._cache_key(decision)
        edit_format_for = self.settings.edit_format_for

        def work(emit) -> GenerationResult | None:
            result = None
            for event in generate_routed(pool, decision, request, breaker, cancel,
                                         edit_format_for):
                if isinstance(event, CodeProgress):
                    emit(event)
                else:
                    result = event
            return result

        job = BackgroundJob(work, self)
        job.progressed.connect(lambda event: self._on_progress(request_id, event))
        job.succeeded.connect(lambda result: self._on_result(
            request_id, instruction, request.base_code, cache_key, decision, result))
        job.failed.connect(lambda message: self._on_failed(request_id, message))
        self._running = _Running(request_id, instruction, self.base_code, cancel, job, decision,
                                 kind)
        self.generations_started += 1
        self.route_chosen.emit(decision.reason)
        self.state_changed.emit(f"Generating with {LABELS[decision.provider_id]}…")
        job.start()

    def _cancel_running(self) -> None:
        if self._running is not None:
            self._running.cancel.set()
            self._running = None
        self._partial = None
        self._throttle.stop()

    def _on_progress(self, request_id: int, event: CodeProgress) -> None:
        if self._running is None or self._running.id != request_id:
            return
        self._partial = (request_id, event.code)
        if not self._throttle.isActive():
            self._flush_partial()
            self._throttle.start()

    def _flush_partial(self) -> None:
        if self._partial is not None:
            self._show(self._partial[1], final=False, measure=self._serves_current())
            self._partial = None

    def _serves_current(self) -> bool:
        """Is the request in flight the one for what is typed now? (Until the debounce
        fires, the one in flight may still be for an older prefix.)"""
        running = self._running
        return running is not None and running.instruction == self._instruction.strip()

    def _on_result(self, request_id: int, instruction: str, base_code: str, cache_key: str,
                   decision: RouteDecision, result: GenerationResult | None) -> None:
        if result is not None:
            self.reply_received.emit(instruction, result)
            if result.route_reason == decision.reason:
                # A fallback's result is not what this route gives when all is well.
                self.cache.put(instruction, base_code, cache_key, result)
        if self._running is None or self._running.id != request_id or result is None:
            return  # superseded: its result is cached, never shown
        current = self._serves_current()
        self._running = None
        self._throttle.stop()
        self._partial = None
        self._finish(result, current)

    def _on_failed(self, request_id: int, message: str) -> None:
        if self._running is not None and self._running.id == request_id:
            self._running = None
            self._pending_commit = False
            self._show(self.base_code, final=True)
            self.notice.emit(f"Generation failed: {message}", True)

    def _finish(self, result: GenerationResult, current: bool) -> None:
        """`current`: the result is for the instruction as typed now."""
        self.result_ready.emit(result)
        if result.ok:
            self._draft = result if current else None
            self._show(result.code, final=True, measure=current)
            state = "From cache" if result.from_cache else "Done"
            self.state_changed.emit(state + " — Enter keeps it, Esc drops it")
            if result.message:  # it worked, with something to know (e.g. a fallback)
                self.notice.emit(result.message, False)
            if self._pending_commit and current:
                self._commit(result)
            return
        if result.finish_reason == "cancelled":
            self._pending_commit = False
            return
        if current and result.code is None and result.provider not in STRONG_TIER:
            self._fast_failure = "no code came back"
            if self._pending_commit:
                decision = self._route("commit")
                if decision.escalated:
                    self.notice.emit(result.message, True)
                    self._escalate(decision)
                    return
        self._pending_commit = False
        # A reply cut off mid-stream shows what arrived; otherwise the last good page stays.
        self._show(result.code or self.base_code, final=True)
        self.notice.emit(result.message, True)
        self.state_changed.emit("No code in the reply" if result.error is None else "Failed")

    def _commit(self, result: GenerationResult) -> None:
        assert result.code is not None
        instruction = self._instruction.strip()
        previous_base = self.base_code
        self.base_code = result.code
        self._pending_commit = False
        self._draft = None
        self._instruction = ""
        self.committed.emit(instruction, result, previous_base)
        self.state_changed.emit("Kept. Type the next change")
        self._warm_up()

    def _warm_up(self) -> None:
        """While the user thinks about the next instruction, let the model read the new
        code: the next request then starts from a warm cache (seconds saved locally)."""
        self._stop_warming()
        if self.local is None or self.router.fast_tier()[0] != "local":
            return
        provider, cancel = self.local, threading.Event()
        request = ChatRequest(build_messages("", self.base_code, self.settings.edit_format),
                              cancel=cancel)
        self._warming = cancel
        BackgroundJob(lambda _emit: provider.prefill(request), self).start()

    def _show(self, code: str, final: bool, measure: bool = False) -> None:
        """Show code; with `measure`, its first paint ends the keystroke-to-preview clock
        (only pages made for the instruction as typed now count)."""
        tag = next(self._tags)
        self._awaiting_preview = {tag: self._typed_at} if measure and self._measuring else {}
        self.code_shown.emit(code, final, tag)
