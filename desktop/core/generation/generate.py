"""One request in, a stream of events out: prompt → model → code.

The window, the CLI and the tests all run generations through `generate`, so they measure
and extract the same way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from desktop.core.generation.edits import apply_edit, looks_like_edit
from desktop.core.generation.extract import extract_code, partial_page, raw_code
from desktop.core.generation.kinds import extract_val, fence_for, raw_val
from desktop.core.generation.prompts import build_messages
from desktop.core.generation.scoped import (
    Scope,
    ScopedEdit,
    reply_text,
    scope_in_page_so_far,
    splice,
)
from desktop.core.generation.streamed_rewrite import StreamedRewrite
from desktop.core.providers.base import ChatRequest, Done, Error, Provider, TextDelta, Usage
from desktop.core.providers.pricing import cost_usd


@dataclass(frozen=True)
class GenerationRequest:
    instruction: str
    base_code: str = ""
    max_tokens: int = 2048
    temperature: float = 0.2
    edit_format: str = "whole"  # how to ask for changes to base_code (see edits.py)
    kind: str = "page"  # or "val": a Val Town HTTP val (kinds.py)
    screenshot: bytes | None = None  # PNG of the preview, for models that can see (Fix it)
    instruction_first: bool = False  # the latency benchmark's baseline prompt order
    scope: Scope | None = None  # rewrite only this part of base_code (scoped.py)


@dataclass(frozen=True)
class CodeProgress:
    """The page so far: `code` completed so that it renders, `raw` as the model wrote it
    (it only grows, so a terminal can print just the new part)."""

    code: str
    raw: str
    tokens_out: int
    kind: str = "page"  # "val": `code` is the val so far, for the editor, not the preview


@dataclass(frozen=True)
class GenerationResult:
    code: str | None  # None: the reply held no code (or the request failed)
    reply: str
    provider: str
    model: str
    finish_reason: str  # stop | length | cancelled | error
    error: str | None = None
    error_kind: str = ""  # the provider Error's kind: auth, rate_limit, unavailable, ...
    retry_after_s: float | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cached_tokens: int = 0
    cache_creation_tokens: int = 0
    ttft_ms: float | None = None
    total_ms: float = 0.0
    from_cache: bool = False
    note: str = ""  # something that happened on the way, e.g. an edit that fell back
    route_reason: str = ""  # why this provider served it (router.py)
    server_timing: dict[str, float] | None = None  # e.g. Cerebras's time_info
    kind: str = "page"  # or "val"
    scoped: ScopedEdit | None = None  # a scoped edit's new scope and declared additions

    @property
    def cost_usd(self) -> float:
        return cost_usd(self.provider, self.model, self.tokens_in, self.tokens_out,
                        self.cache_creation_tokens, self.cached_tokens)

    @property
    def ok(self) -> bool:
        return self.code is not None and self.finish_reason in ("stop", "length")

    @property
    def tokens_per_second(self) -> float | None:
        if self.ttft_ms is None or self.tokens_out < 2 or self.total_ms <= self.ttft_ms:
            return None
        return (self.tokens_out - 1) / ((self.total_ms - self.ttft_ms) / 1000)

    @property
    def message(self) -> str:
        """What the user should be told about this result, if anything."""
        if self.error:
            return self.error
        if self.finish_reason == "cancelled":
            return "Cancelled."
        if self.code is None:
            return (self.note or "The model's reply had no code.") + \
                " The previous preview is kept."
        if self.finish_reason == "length":
            return " ".join(filter(None, [self.note, "The model hit the token limit; the page "
                                          "was completed where it stopped."]))
        return self.note


GenerationEvent = CodeProgress | GenerationResult


# How often the page so far is rebuilt while streaming. Rebuilding on every token costs
# O(page) each time and, on the GIL, time the GUI thread could have used.
PROGRESS_INTERVAL_S = 0.05


@dataclass
class _Reply:
    text: str = ""
    usage: Usage = field(default_factory=lambda: Usage(0, 0))
    finish: str = "error"
    error: str | None = None
    ttft_ms: float | None = None
    deltas: int = 0
    failure: Error | None = None


def _stream_reply(provider: Provider, chat: ChatRequest, started: float, reply: _Reply,
                  show: Callable[[str, int], CodeProgress | None],
                  stop: Callable[[str], bool] | None = None) -> Iterator[CodeProgress]:
    """Run one model call into `reply`, yielding what `show` makes of the text so far (at
    most every PROGRESS_INTERVAL_S, and only when it changed). `stop` ends the call as soon
    as the text holds all that is needed; the reply then counts as finished."""
    parts: list[str] = []
    last: str | None = None
    last_at = 0.0
    stream = provider.stream(chat)
    try:
        for event in stream:
            if isinstance(event, TextDelta):
                if reply.ttft_ms is None:
                    reply.ttft_ms = (time.perf_counter() - started) * 1000
                parts.append(event.text)
                if stop is not None and stop("".join(parts)):
                    reply.finish = "stop"
                    break
                now = time.perf_counter()
                if now - last_at < PROGRESS_INTERVAL_S:
                    continue  # a fast model sends hundreds of tokens a second
                last_at = now
                progress = show("".join(parts), len(parts))
                if progress is not None and progress.code != last:
                    last = progress.code
                    yield progress
            elif isinstance(event, Usage):
                reply.usage = Usage(
                    reply.usage.tokens_in + event.tokens_in,
                    reply.usage.tokens_out + event.tokens_out,
                    reply.usage.cached_tokens + event.cached_tokens,
                    reply.usage.cache_creation_tokens + event.cache_creation_tokens,
                    event.server_timing or reply.usage.server_timing)
            elif isinstance(event, Done):
                reply.finish = event.finish_reason
            elif isinstance(event, Error):
                reply.error = event.message
                reply.failure = event
    finally:
        stream.close()
    reply.text = "".join(parts)
    reply.deltas += len(parts)


def _page_so_far(kind: str, base: str = "") -> Callable[[str, int], CodeProgress | None]:
    """The page (or the val) as it grows. An edit (blocks or a diff) is not a page, so it
    shows nothing until it has been applied. A page rewritten whole is shown with the rest
    of the old page after the part written so far (streamed_rewrite.py), never cut short."""
    rewrite = StreamedRewrite(base) if base.strip() and kind == "page" else None

    def show(text: str, count: int) -> CodeProgress | None:
        if kind == "val":
            page = raw_val(text)
            raw = page or ""
        else:
            raw = raw_code(text) or ""
            if looks_like_edit(text):
                page = None
            elif rewrite is not None and raw.strip():
                page = rewrite.page(raw)
            else:
                page = partial_page(text)
        return CodeProgress(page, raw, count, kind) if page else None
    return show


def generate(provider: Provider, request: GenerationRequest,
             cancel: threading.Event | None = None) -> Iterator[GenerationEvent]:
    """Stream CodeProgress events while the page grows, then one GenerationResult.

    With base code, the reply may be an edit in the requested format; one that does not
    apply cleanly changes nothing, and the model is asked once more for the whole file."""
    cancel = cancel or threading.Event()
    started = time.perf_counter()
    if request.scope is not None:
        yield from _generate_scoped(provider, request, cancel, started)
        return
    val = request.kind == "val"
    fmt = request.edit_format if request.base_code.strip() and not val else "whole"

    def chat(edit_format: str) -> ChatRequest:
        # A whole-file edit repeats most of the code: providers with Predicted Outputs
        # stream those parts at once.
        fence = fence_for(request.kind)
        predicted = (f"```{fence}\n{request.base_code.strip()}\n```"
                     if edit_format == "whole" and request.base_code.strip() else None)
        messages = build_messages(request.instruction, request.base_code, edit_format,
                                  request.kind, request.instruction_first)
        if request.screenshot and provider.vision:  # a picture costs tokens only where seen
            messages[-1] = replace(messages[-1], images=(request.screenshot,))
        return ChatRequest(messages, max_tokens=request.max_tokens,
                           temperature=request.temperature, cancel=cancel,
                           prediction=predicted if provider.prediction else None)

    reply = _Reply()
    yield from _stream_reply(provider, chat(fmt), started, reply,
                             _page_so_far(request.kind, request.base_code))
    code, note = None, ""
    if reply.finish != "cancelled" and reply.error is None:
        if val:
            code = extract_val(reply.text)
            note = "" if code else "The model's reply had no val (no `export default`)."
        elif request.base_code.strip():
            edit = apply_edit(request.base_code, reply.text)
            code = edit.code
            if fmt != "whole" and not edit.ok:
                note = edit.message + " Asked the model for the whole file instead."
                first = reply.text
                yield from _stream_reply(provider, chat("whole"), started, reply,
                                         _page_so_far("page", request.base_code))
                code = extract_code(reply.text) if reply.finish != "cancelled" else None
                reply.text = first + "\n\n" + reply.text
        else:
            code = extract_code(reply.text)
    elif reply.error is not None and not val and not looks_like_edit(reply.text):
        code = partial_page(reply.text)  # cut off mid-reply: show what arrived
    yield _result(provider, request, reply, code, note, started)


def _result(provider: Provider, request: GenerationRequest, reply: _Reply, code: str | None,
            note: str, started: float) -> GenerationResult:
    return GenerationResult(
        code=code, reply=reply.text, provider=provider.id, model=provider.model_name,
        finish_reason=reply.finish if reply.error is None else "error", error=reply.error,
        error_kind=reply.failure.kind if reply.failure else "",
        retry_after_s=reply.failure.retry_after_s if reply.failure else None,
        tokens_in=reply.usage.tokens_in, tokens_out=reply.usage.tokens_out or reply.deltas,
        cached_tokens=reply.usage.cached_tokens,
        cache_creation_tokens=reply.usage.cache_creation_tokens, ttft_ms=reply.ttft_ms,
        server_timing=reply.usage.server_timing,
        total_ms=(time.perf_counter() - started) * 1000, note=note, kind=request.kind,
    )


def _generate_scoped(provider: Provider, request: GenerationRequest, cancel: threading.Event,
                     started: float) -> Iterator[GenerationEvent]:
    """Only the scope is asked for and spliced in; while it streams, the progress is the
    whole code with the scope so far in place (the preview never shows half a page)."""
    scope = request.scope
    assert scope is not None
    base = request.base_code
    selection = base[scope.start:scope.end]
    chat = ChatRequest(build_messages(request.instruction, base, kind=request.kind, scope=scope),
                       max_tokens=request.max_tokens, temperature=request.temperature,
                       cancel=cancel,
                       prediction=f"```{fence_for(request.kind)}\n{selection}\n```"
                       if provider.prediction else None)
    reply = _Reply()

    def show(text: str, count: int) -> CodeProgress:
        so_far = reply_text(text)
        if not so_far.strip():  # nothing of the part yet: the page as it was
            return CodeProgress(base, so_far, count, request.kind)
        return CodeProgress(base[:scope.start] + so_far + base[scope.end:], so_far, count,
                            request.kind)

    early: list[str] = []

    def copied_past_the_scope(text: str) -> bool:
        """A whole page written back: stop the model once the rest would only copy."""
        found = scope_in_page_so_far(text, base, scope)
        if found is not None:
            early.append(found)
        return found is not None

    yield from _stream_reply(provider, chat, started, reply, show, copied_past_the_scope)
    edit, note = None, ""
    if early:
        edit = ScopedEdit(base[:scope.start] + early[0] + base[scope.end:],
                          scope.moved(scope.start, len(early[0])))
    elif reply.error is None and reply.finish == "stop":
        edit, note = splice(base, scope, reply.text, request.instruction)
    elif reply.finish == "length":
        note = (f"The reply was cut off before the new {scope.label(base)} ended; "
                "nothing changed.")
    result = _result(provider, request, reply, edit.code if edit else None, note, started)
    yield replace(result, scoped=edit)
