"""The keystroke loop: debounce, supersede, cache, show.

Each change of the instruction restarts a short timer; when it fires, the instruction is
generated against the base code. A newer request supersedes the one in flight, and a result
made before for the same instruction, code and model comes from the engine's cache. What
Enter, Fix it and auto-fix do is routing/commit.py's call; this loop carries it out.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.generation.fixing import FIX_PREFIX, title
from desktop.core.generation.generate import GenerationResult
from desktop.core.generation.scoped import Scope
from desktop.core.providers import registry
from desktop.core.routing import commit
from desktop.core.routing.engine import Engine
from desktop.core.routing.router import RouteDecision
from desktop.ui.generation.latency import LatencyClock
from desktop.ui.generation.requests import ModelRequests, Running
from desktop.ui.generation.state import LoopOptions, LoopState
from desktop.ui.throttle import Throttle

PREVIEW_INTERVAL_MS = 200  # at most one partial page per interval while streaming


class KeystrokeLoop(QObject):
    code_shown = Signal(str, bool, int)  # code, final, display tag
    state_changed = Signal(str)  # a line for the status bar
    result_ready = Signal(object)  # GenerationResult, stale ones excluded
    committed = Signal(str, object, str)  # instruction, GenerationResult, the code it changed
    notice = Signal(str, bool)  # something the user should read; True: an error
    latency_measured = Signal(float)  # last keystroke → page in the preview, ms
    route_chosen = Signal(str)  # why the request just started goes where it goes
    scope_changed = Signal(object)  # the Scope of base_code aimed at now, or None
    fix_started = Signal()  # a fix is on its way: nothing else should start one

    def __init__(self, engine: Engine, parent: QObject | None = None,
                 options: LoopOptions | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.settings = engine.settings
        self.options = options = options or LoopOptions()
        self.state = LoopState.IDLE
        self.want_strong = False  # the toolbar toggle: Enter asks the strong tier
        self.base_code = ""
        self.scope: Scope | None = None  # only this part of base_code is regenerated
        self.generations_started = 0
        self.requests = ModelRequests(engine, options, self)
        self.requests.finished.connect(
            lambda running, result: self._finish(result, self._for_current(running)))
        self.requests.failed.connect(self._on_failed)
        self._instruction = ""
        self._draft: GenerationResult | None = None  # in DRAFT: what Enter keeps
        self._failure = ""  # why the draft for the instruction is no good
        self._problems: list[str] = []  # and what was found in it (for its fix)
        self._kept_request = ""  # the last change kept that was not a fix
        self._tags = itertools.count(1)
        self._clock = LatencyClock()
        self._debounce = QTimer(self, singleShot=True, interval=self.settings.debounce_ms)
        self._debounce.timeout.connect(self._start_current)
        self._partial = Throttle(PREVIEW_INTERVAL_MS, self._show_partial, self)
        self.requests.progressed.connect(self._partial.push)

    @property
    def streaming_kind(self) -> str:
        """What the request in flight makes: "page" or "val"."""
        running = self.requests.running
        return running.request.kind if running is not None else "page"

    @property
    def busy(self) -> bool:
        return self.requests.running is not None or self._debounce.isActive()

    @property
    def draft(self) -> GenerationResult | None:
        return self._draft

    @property
    def request(self) -> str:
        """What the app is for: what is typed now, or, while a fix runs or nothing is
        typed, the last change kept that was not a fix."""
        typed = self._instruction.strip()
        return typed if typed and not typed.startswith(FIX_PREFIX) else self._kept_request

    def set_local(self, provider) -> None:
        """The local model is loaded (or gone, while another one loads)."""
        running = self.requests.running
        if provider is None or (running and running.decision.provider_id == "local"):
            self._cancel_running()
        self.engine.set_local(provider)
        if provider is not None and self._instruction.strip() and self.requests.running is None:
            self._start_current()

    def restore_instruction(self, text: str) -> None:
        """An instruction brought back from a draft: remembered, not generated until the
        user types or presses Enter."""
        self._instruction = text

    def prompt_changed(self, text: str) -> None:
        self._instruction = text
        self._clock.keystroke()
        self._draft = None
        self._failure = ""
        self._problems = []
        if self.state is not LoopState.KEEPING:  # a pressed Enter keeps what comes next
            self._set_state(LoopState.WAITING)
        self._debounce.start(self.settings.debounce_ms)

    def set_scope(self, scope: Scope | None) -> None:
        """Aim what is typed at one part of the code (None: the whole file again); what is
        typed is generated again for it."""
        if scope == self.scope:
            return
        self.scope = scope
        self.scope_changed.emit(scope)
        self._draft = None
        if self._instruction.strip() and self.state is not LoopState.KEEPING:
            self._set_state(LoopState.WAITING)
            self._debounce.start(self.settings.debounce_ms)
        elif self.requests.running is None:  # read the part now: the first key is quick
            self.requests.prefill(self.base_code, self.settings.edit_format, scope)

    def page_failed(self, failure: str, problems: list[str]) -> None:
        """The page or val on screen failed (`problems`: what was found): if it is the
        draft, Enter has the strong tier fix it."""
        if self._draft is not None and self._draft.provider not in commit.STRONG_TIER:
            self._failure = failure
            self._problems = list(dict.fromkeys([*self._problems, *problems]))

    def commit(self, strong: bool = False) -> None:
        """Enter (`strong`: Ctrl+Enter): keep, escalate or draft first (commit.py)."""
        instruction = self._instruction.strip()
        if not instruction:
            return
        plan = commit.on_enter(self.engine.router, instruction,
                               draft_by=self._draft.provider if self._draft else None,
                               failure=self._failure, want_strong=strong or self.want_strong,
                               problems=self._problems)
        if plan.step is commit.Step.FIX:
            assert self._draft is not None
            self._keep(self._draft)
            self._fix_with(plan.route.instruction, plan.route)
            return
        if plan.step is commit.Step.ESCALATE:
            self._escalate(plan.route)
            return
        if plan.route.reason != self.engine.router.route(
                instruction, want_strong=self.want_strong).reason:
            self.route_chosen.emit(plan.route.reason)  # e.g. escalation stopped by the cap
        if plan.step is commit.Step.KEEP:
            assert self._draft is not None
            self._keep(self._draft)
            return
        self._set_state(LoopState.KEEPING, "Finishing, then keeping it…")
        if self._debounce.isActive() or self.requests.running is None:
            self._debounce.stop()
            self._start_current()

    def cancel_and_restore(self) -> None:
        """Drop the generation in flight and show the base code again (Esc)."""
        self._drop_pending()
        self._clock.stop()
        self._show(self.base_code, final=True)
        self.state_changed.emit("Cancelled; showing the last kept version")

    def set_base(self, code: str) -> None:
        """Work from this code now (a restored version, an opened project): drop whatever
        was in flight, show it, and let the local model read it."""
        self.code_edited_by_hand(code)
        self._show(code, final=True)
        if code.strip():
            self.requests.prefill(code, self.settings.edit_format)

    def keep_rewrite(self, result: GenerationResult) -> None:
        """Rewritten lines the user accepted (select and Ctrl+K) are the base now, shown as
        a finished page; what is typed in the prompt is generated again on top of them."""
        assert result.code is not None
        self.code_edited_by_hand(result.code)
        self._show(result.code, final=True)
        if self._instruction.strip():
            self._debounce.start(self.settings.debounce_ms)

    def code_edited_by_hand(self, code: str, scope: Scope | None = None) -> None:
        """A person edited the code: that is the base now, and no model is involved. The
        scope (offsets into the old code) goes with it, unless the edit says where it
        is now (`scope`: a direct edit of the picked element)."""
        self.requests.stop_prefill()
        self._drop_pending()
        self.base_code = code
        if scope != self.scope:
            self.scope = scope
            self.scope_changed.emit(scope)

    def fix(self, errors: list[str], attempt: int | None, screenshot: bytes | None) -> None:
        """Fix errors in the page on screen: `attempt` None for Fix it (a person asked),
        else auto-fix's try number. A draft on screen is kept first, so the broken and the
        fixed page are both versions."""
        plan = commit.plan_fix(self.engine.router, errors, attempt or 1,
                               by_user=attempt is None, want_strong=self.want_strong,
                               request=self.request)
        if plan is None:
            return
        if self._draft is not None:
            self._keep(self._draft)
        self._fix_with(plan.instruction, plan.route, screenshot)

    def _fix_with(self, instruction: str, route: RouteDecision,
                  screenshot: bytes | None = None) -> None:
        self._drop_pending()
        self._instruction = instruction
        self._set_state(LoopState.KEEPING)
        self.fix_started.emit()
        self._launch(instruction, route, screenshot, scoped=False,
                     say=f"{registry.label(route.provider_id)} is fixing "
                         f"“{title(instruction).removeprefix('Fix: ')}”, then keeping it…")

    def preview_shown(self, tag: object) -> None:
        latency = self._clock.painted(tag)
        if latency is not None:
            self.latency_measured.emit(latency)

    def shutdown(self) -> None:
        self.requests.stop_prefill()
        self._drop_pending()

    def _set_state(self, state: LoopState, say: str = "") -> None:
        self.state = state
        if say:
            self.state_changed.emit(say)

    def _escalate(self, decision: RouteDecision) -> None:
        self._debounce.stop()
        self._draft = None
        self._cancel_running()
        self._set_state(LoopState.KEEPING,
                        f"Asking {registry.label(decision.provider_id)}, then keeping it…")
        self._launch(self._instruction.strip(), decision)

    def _drop_pending(self) -> None:
        """Forget the typed-but-not-generated, the draft and the request in flight."""
        self._debounce.stop()
        self._draft = None
        self._cancel_running()
        self._set_state(LoopState.IDLE)

    def _start_current(self) -> None:
        instruction = self._instruction.strip()
        if not instruction:
            self._cancel_running()
            self._show(self.base_code, final=True)
            self._set_state(LoopState.IDLE, "Ready")
            return
        decision = self.engine.router.route(instruction, want_strong=self.want_strong)
        if decision.provider_id == "local" and self.engine.local is None:
            self.state_changed.emit("Waiting for the model…")
            return
        cached = (self.engine.cache.get(instruction, self.base_code,
                                        self.requests.cache_key(decision, self.scope))
                  if self.options.use_cache else None)
        if cached is not None:
            self._cancel_running()
            self._finish(cached, current=True)
            return
        running = self.requests.running
        if running and (running.request.instruction, running.request.base_code,
                        running.request.scope) == (instruction, self.base_code, self.scope):
            return  # the same request is already on its way
        self._cancel_running()
        self._launch(instruction, decision)

    def _launch(self, instruction: str, decision: RouteDecision,
                screenshot: bytes | None = None, scoped: bool = True, say: str = "") -> None:
        """`scoped`: aimed at the scope, if one is set (a fix is for the whole page: its
        errors may be anywhere); `say`: the status line (default: who generates)."""
        self._partial.drop()
        self.generations_started += 1
        if self.state is not LoopState.KEEPING:
            self._set_state(LoopState.GENERATING)
        self.route_chosen.emit(decision.reason)
        self.state_changed.emit(say or
                                f"Generating with {registry.label(decision.provider_id)}…")
        self.requests.start(instruction, self.base_code, decision, screenshot,
                            self.scope if scoped else None)

    def _cancel_running(self) -> None:
        self.requests.cancel()
        self._partial.drop()

    def _show_partial(self, code: str) -> None:
        self._show(code, final=False, measure=self._for_current(self.requests.running))

    def _for_current(self, running: Running | None) -> bool:
        """Is this request for what is typed now? (Until the debounce fires, the one in
        flight may still be for an older prefix.)"""
        return running is not None and running.request.instruction == self._instruction.strip()

    def _on_failed(self, error: BaseException) -> None:
        self._set_state(LoopState.IDLE)
        self._show(self.base_code, final=True)
        self.notice.emit(f"Generation failed: {error}", True)

    def _finish(self, result: GenerationResult, current: bool) -> None:
        """`current`: the result is for the instruction as typed now."""
        self._partial.drop()
        self.result_ready.emit(result)
        keeping = self.state is LoopState.KEEPING and current
        if result.ok:
            self._show(result.code or "", final=True, measure=current)
            if result.message:  # it worked, with something to know (e.g. a fallback)
                self.notice.emit(result.message, False)
            if keeping:
                self._keep(result)
                return
            self._draft = result if current else None
            if current:
                self._set_state(LoopState.DRAFT)
            elif self.state is not LoopState.KEEPING:
                self._set_state(LoopState.WAITING)  # a page for an older prefix
            state = "From cache" if result.from_cache else "Done"
            self.state_changed.emit(state + " — Enter keeps it, Esc drops it")
            return
        if result.finish_reason == "cancelled":
            return
        if current and result.provider not in commit.STRONG_TIER:
            self._failure = commit.draft_failure(result)
            if keeping:
                plan = commit.on_enter(self.engine.router, self._instruction.strip(),
                                       draft_by=result.provider, failure=self._failure,
                                       want_strong=self.want_strong)
                if plan.step is commit.Step.ESCALATE:
                    self.notice.emit(result.message, True)
                    self._escalate(plan.route)
                    return
        if keeping or self.state is not LoopState.KEEPING:
            self._set_state(LoopState.WAITING if self._debounce.isActive() else LoopState.IDLE)
        # A reply cut off mid-stream shows what arrived; otherwise the last good page stays.
        self._show(result.code or self.base_code, final=True)
        self.notice.emit(result.message, True)
        self.state_changed.emit("No code in the reply" if result.error is None else "Failed")

    def _keep(self, result: GenerationResult) -> None:
        """The result is the base now. A scoped one is recorded with its scope's name, and
        the scope follows the rewritten part (scoped.ScopedEdit.scope)."""
        assert result.code is not None
        instruction = self._instruction.strip()
        scoped = result.scoped is not None and self.scope is not None
        if scoped:
            instruction = f"{self.scope.label(self.base_code)}: {instruction}"
            self.scope = result.scoped.scope
        previous_base = self.base_code
        self.base_code = result.code
        self._kept_request = self.request
        self._draft = None
        self._failure = ""
        self._problems = []
        self._instruction = ""
        self._set_state(LoopState.IDLE)
        self.committed.emit(instruction, result, previous_base)
        if scoped:
            self.scope_changed.emit(self.scope)
        self.state_changed.emit("Kept. Type the next change")
        self.requests.prefill(self.base_code, self.settings.edit_format, self.scope)

    def _show(self, code: str, final: bool, measure: bool = False) -> None:
        """Show code; with `measure`, its first paint ends the keystroke-to-preview clock
        (only pages made for the instruction as typed now count)."""
        tag = next(self._tags)
        self._clock.shown(tag, measure)
        self.code_shown.emit(code, final, tag)
