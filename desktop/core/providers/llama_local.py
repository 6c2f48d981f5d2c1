"""The local model: a GGUF file run by llama-cpp-python, fully offline.

A `Llama` object is not thread-safe (two threads calling it kill the process), so one
dedicated thread owns it and serves requests from a queue. Requests carry an increasing id;
one that has been superseded by a newer request before it starts is dropped, not queued.
Cancelling is checked between tokens and between prompt-eval batches: we evaluate the new
part of the prompt ourselves in small batches, then hand the rest to llama-cpp-python, which
finds the whole prompt already in its KV cache.

Every job on the model thread first takes a turn from a LocalGate (local_gate.py): with a
fast and a strong local model, only one computes at a time, and the strong one preempts.
"""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.providers import memory
from desktop.core.providers.base import (
    ChatRequest,
    Done,
    Error,
    Event,
    Provider,
    ProviderError,
    TextDelta,
    Usage,
)
from desktop.core.providers.local_gate import FAST, STRONG, LocalGate

log = logging.getLogger(__name__)

PREFILL_BATCH = 64  # tokens evaluated between cancel checks: about 0.3 s on 2 cores
_CHATML = (
    "{% for message in messages %}<|im_start|>{{ message.role }}\n{{ message.content }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def evaluate_prompt(llm: Any, tokens: list[int], cancel: threading.Event,
                    batch: int = PREFILL_BATCH) -> int | None:
    """Evaluate all but the last prompt token in small batches, reusing the cached prefix,
    so a cancel is seen within one batch. Returns the number of tokens reused, or None when
    cancelled (what was evaluated by then stays in the KV cache). Only the thread that owns
    `llm` may call this."""
    reused = llm.longest_token_prefix(llm.input_ids[: llm.n_tokens], tokens[:-1])
    llm.n_tokens = reused  # eval() drops the KV cache from here on
    for start in range(reused, len(tokens) - 1, batch):
        if cancel.is_set():
            return None
        llm.eval(tokens[start: min(start + batch, len(tokens) - 1)])
    return reused


@dataclass
class _Job:
    id: int
    run: Callable[[], None] | None = None  # set for jobs that are not generations
    request: ChatRequest | None = None
    out: queue.Queue[Event] = field(default_factory=queue.Queue)
    cancel: threading.Event = field(default_factory=threading.Event)
    done: threading.Event = field(default_factory=threading.Event)  # a `run` job finished


class LlamaProvider(Provider):
    """`priority` FAST serves the fast tier (id "local"), STRONG the local strong tier (id
    "local-strong")."""


    drop_superseded = True  # the latency benchmark's baseline turns this off

    def __init__(self, model_path: Path, *, n_ctx: int = 8192, n_threads: int = 1,
                 display_name: str = "", gate: LocalGate | None = None,
                 priority: int = FAST) -> None:
        self.model_path = Path(model_path)
        self.model_name = display_name or self.model_path.name
        self.n_ctx = max(n_ctx, 512)
        self.n_threads = max(1, n_threads)
        self._llm: Any = None
        self._format: Callable[[list[dict[str, str]]], tuple[str, list[str]]] | None = None
        self._ids = itertools.count(1)
        self._latest = 0
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._working = False
        self._gate = gate or LocalGate()
        self._priority = priority
        self.id = "local-strong" if priority == STRONG else "local"
        self._gate.register(self)
        self._thread = threading.Thread(target=self._serve, name="llama-model", daemon=True)
        self._thread.start()

    # -- public API (any thread) ------------------------------------------------------

    def load(self) -> None:
        """Load the model now, on the model thread; raises ProviderError with a fix."""
        errors: list[Exception] = []

        def run() -> None:
            try:
                self._ensure_loaded()
            except Exception as exc:
                errors.append(exc)

        self._run_on_model_thread(run)
        if errors:
            raise errors[0]

    def prefill(self, request: ChatRequest) -> None:
        """Evaluate a prompt without generating, so the next request that starts the same
        way (the first keystroke, the next instruction) gets its prefix from the KV cache."""
        self._run_on_model_thread(lambda: self._prefill_quietly(request), request.cancel)

    def stream(self, request: ChatRequest) -> Generator[Event, None, None]:
        if not self._thread.is_alive():
            yield Error("The local model was closed. Fix: reload it (Model → Use the Default "
                        "Model) or restart Keystroke.")
            return
        job = _Job(next(self._ids), request=request)
        self._latest = job.id
        self._jobs.put(job)
        finished = False
        try:
            while True:
                event = job.out.get()
                yield event
                if isinstance(event, Done | Error):
                    finished = True
                    return
        finally:
            if not finished:
                request.cancel.set()

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def unload(self) -> None:
        """Free the model's memory; the next request loads it again. Only the gate calls
        this, while another model holds the turn, so this model's thread is not using it."""
        llm, self._llm, self._format = self._llm, None, None
        if llm is not None:
            llm.close()
            log.info("unloaded %s to make room", self.model_name)

    @property
    def idle(self) -> bool:
        """Nothing running or waiting on the model thread."""
        return not self._working and self._jobs.empty()

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join(timeout=10)
        self._gate.unregister(self)
        self._llm = None

    # -- the model thread ----------------------------------------------------------------

    def _run_on_model_thread(self, run: Callable[[], None],
                             cancel: threading.Event | None = None) -> None:
        job = _Job(next(self._ids), run=run, cancel=cancel or threading.Event())
        self._jobs.put(job)
        job.done.wait()

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            self._working = True
            try:
                self._handle(job)
            finally:
                self._working = False

    def _handle(self, job: _Job) -> None:
        cancel = job.request.cancel if job.request is not None else job.cancel
        with self._gate.turn(self, self._priority, cancel,
                             give_up=lambda: self._superseded(job)) as granted:
            if granted:
                self._handle_in_turn(job)
            elif job.request is not None:
                job.out.put(Done("cancelled"))
        job.done.set()

    def _superseded(self, job: _Job) -> bool:
        return job.request is not None and self.drop_superseded and job.id < self._latest

    def _handle_in_turn(self, job: _Job) -> None:
        if job.run is not None:
            try:
                job.run()
            except Exception:
                log.exception("model-thread job failed")
            return
        assert job.request is not None
        if self._superseded(job) or job.request.cancel.is_set():
            job.out.put(Done("cancelled"))  # dropped before it started
            return
        try:
            for event in self._generate(job.request):
                job.out.put(event)
        except ProviderError as exc:
            job.out.put(Error(str(exc)))
        except Exception as exc:
            log.exception("local generation failed")
            job.out.put(Error(f"The local model failed: {exc}. Try again; if it keeps "
                              "failing, choose another model (Model → Use GGUF File…)."))

    def _ensure_loaded(self) -> None:
        if self._llm is not None:
            return
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError as exc:
            raise ProviderError(
                f"llama-cpp-python is not installed ({exc}). Fix: pip install llama-cpp-python"
            ) from exc
        size = self.model_path.stat().st_size if self.model_path.exists() else 0
        self._gate.make_room(self, memory.model_need_bytes(size, self.n_ctx))
        try:
            llm = Llama(model_path=str(self.model_path), n_ctx=self.n_ctx,
                        n_threads=self.n_threads, n_threads_batch=self.n_threads,
                        n_batch=512, verbose=False)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ProviderError(
                f"Could not load the model {self.model_path.name}: {exc}. The file may be "
                "corrupt or not a llama.cpp GGUF. Fix: choose another file (Model → Use GGUF "
                "File…) or delete it so Keystroke assembles it again."
            ) from exc
        template = llm.metadata.get("tokenizer.chat_template") or _CHATML
        eos, bos = llm.token_eos(), llm.token_bos()
        formatter = Jinja2ChatFormatter(
            template=template,
            eos_token=llm.detokenize([eos], special=True).decode() if eos != -1 else "",
            bos_token=llm.detokenize([bos], special=True).decode() if bos != -1 else "",
        )

        def format_prompt(messages: list[dict[str, str]]) -> tuple[str, list[str]]:
            response = formatter(messages=messages)
            stop = response.stop if isinstance(response.stop, list) else [response.stop]
            return response.prompt, [s for s in stop if s]

        self._llm, self._format = llm, format_prompt

    def _tokens(self, request: ChatRequest) -> tuple[list[int], list[str]]:
        assert self._format is not None
        prompt, stop = self._format([{"role": m.role, "content": m.content}
                                     for m in request.messages])
        return self._llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True), stop

    def _prefill_quietly(self, request: ChatRequest) -> None:
        self._ensure_loaded()
        evaluate_prompt(self._llm, self._tokens(request)[0], request.cancel)

    def _generate(self, request: ChatRequest) -> Generator[Event, None, None]:
        self._ensure_loaded()
        tokens, stop = self._tokens(request)
        room = self.n_ctx - len(tokens)
        if room < 64:
            raise ProviderError(
                f"The prompt is {len(tokens):,} tokens but the model's context holds "
                f"{self.n_ctx:,}. Fix: raise context_length in the settings, or start from "
                "shorter code.")
        reused = evaluate_prompt(self._llm, tokens, request.cancel)
        if reused is None:
            yield Done("cancelled")
            return
        stream = self._llm.create_completion(
            prompt=tokens, max_tokens=min(request.max_tokens, room),
            temperature=request.temperature, stop=stop, stream=True)
        finish = "stop"
        try:
            for chunk in stream:
                if request.cancel.is_set():
                    finish = "cancelled"
                    break
                choice = chunk["choices"][0]
                if choice["text"]:
                    yield TextDelta(choice["text"])
                if choice.get("finish_reason") == "length":
                    finish = "length"
        finally:
            stream.close()  # resuming an abandoned generator later corrupts the state
        yield Usage(tokens_in=len(tokens), tokens_out=max(0, self._llm.n_tokens - len(tokens)),
                    cached_tokens=reused)
        yield Done(finish)
