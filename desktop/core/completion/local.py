"""Completions from the local model, in a llama.cpp context of their own.

Why a second `Llama` and not the drafting one: a completion prompt (the code around the
cursor) is nothing like a drafting prompt (system prompt, the whole page, the instruction),
and one context keeps one prefix warm. Sharing it would make the next keystroke in the
prompt box re-evaluate the whole page (about 3 s on two cores). A second `Llama` on the
same file shares the weights through mmap, so it costs only its own KV cache and buffers
(measured by bench/fim.py: see its memory line).

Who computes when: a completion takes a turn from the same LocalGate as the drafting
models, at the lowest priority. A draft that asks for a turn cancels a completion in
flight, and no completion starts while a draft waits: app generation always goes first.

The prompt is built token by token: `<|fim_prefix|>` + prefix + `<|fim_suffix|>` + suffix +
`<|fim_middle|>`, with the markers as the model's special tokens and the code tokenized as
plain text (a page that contains the text "<|fim_prefix|>" cannot forge a marker).
llama-cpp-python's own `suffix=` argument is not used: it puts token 0 where the markers go.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.completion.fim import (
    Completion,
    CompletionUnavailable,
    FimRequest,
    finished,
    tidy,
)
from desktop.core.providers.llama_local import evaluate_prompt
from desktop.core.providers.local_gate import COMPLETION, LocalGate

log = logging.getLogger(__name__)

STOP_MARKERS = ("<|endoftext|>", "<|fim_pad|>", "<|file_sep|>", "<|im_end|>",
                "<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>")
N_CTX = 2048  # the window around the cursor is a few hundred tokens


WARM_BATCH = 16  # tokens per step while warming: a keystroke stops it within ~75 ms


@dataclass
class _Job:
    request: FimRequest
    warm_only: bool = False  # evaluate the prompt, generate nothing (see `warm`)
    run: Callable[[], None] | None = None  # anything else that needs the model's thread
    done: threading.Event = field(default_factory=threading.Event)
    result: Completion | None = None
    error: Exception | None = None


class LocalFimCompleter:
    """Fill-in-the-middle with a GGUF whose catalog entry names its FIM tokens."""

    def __init__(self, model_path: Path, fim_tokens: dict[str, str], *, n_threads: int = 1,
                 display_name: str = "", gate: LocalGate | None = None,
                 n_ctx: int = N_CTX) -> None:
        self.model_path = Path(model_path)
        self.model_name = display_name or self.model_path.name
        self._markers = fim_tokens
        self._n_threads = max(1, n_threads)
        self._n_ctx = n_ctx
        self._gate = gate or LocalGate()
        self._llm: Any = None
        self._ids: dict[str, int] = {}
        self._stop_ids: set[int] = set()
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._latest: _Job | None = None
        self._gate.register(self)
        self._thread = threading.Thread(target=self._serve, name="fim-model", daemon=True)
        self._thread.start()

    # -- any thread ------------------------------------------------------------------------

    def warm(self, request: FimRequest) -> None:
        """Start evaluating this prompt now, without waiting: called on each keystroke, so
        that by the end of the typing pause the prompt is (mostly) in the KV cache and the
        completion asked for then only has to generate. The caller cancels it with the
        request's event when the next key comes."""
        if self._thread.is_alive():
            self._jobs.put(_Job(request, warm_only=True))

    def complete(self, request: FimRequest) -> Completion:
        """Block until the completion is ready or cancelled. A newer request supersedes
        this one before it starts (it is then returned as cancelled)."""
        if not self._thread.is_alive():
            raise CompletionUnavailable("The completion model was closed.")
        job = _Job(request)
        previous, self._latest = self._latest, job
        if previous is not None:
            previous.request.cancel.set()
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        assert job.result is not None
        return job.result

    @property
    def loaded(self) -> bool:
        return self._llm is not None

    def unload(self) -> None:
        """The gate calls this while another model holds the turn (memory is short)."""
        llm, self._llm = self._llm, None
        if llm is not None:
            llm.close()

    def close(self) -> None:
        if self._thread.is_alive():
            if self._latest is not None:
                self._latest.request.cancel.set()
            self._jobs.put(None)
            self._thread.join(timeout=10)
        self._gate.unregister(self)
        self.unload()

    # -- the completion thread --------------------------------------------------------------

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            started = time.perf_counter()
            try:
                if job.run is not None:
                    self._ensure_loaded()
                    job.run()
                    continue
                job.result = self._run(job.request, started, job.warm_only)
            except Exception as exc:
                log.debug("completion failed", exc_info=True)
                job.error = exc
            finally:
                job.done.set()

    def _run(self, request: FimRequest, started: float, warm_only: bool) -> Completion:
        cancelled = Completion("", self.model_name, 0.0, cancelled=True)
        if request.cancel.is_set():
            return cancelled
        with self._gate.turn(self, COMPLETION, request.cancel) as granted:
            if not granted:
                return cancelled
            self._ensure_loaded()
            if warm_only:
                evaluate_prompt(self._llm, self._tokens(request.prefix, request.suffix),
                                request.cancel, WARM_BATCH)
                return cancelled
            return self._generate(request, started)

    def _ensure_loaded(self) -> None:
        if self._llm is not None:
            return
        from llama_cpp import Llama

        llm = Llama(model_path=str(self.model_path), n_ctx=self._n_ctx,
                    n_threads=self._n_threads, n_threads_batch=self._n_threads,
                    n_batch=256, verbose=False)
        ids = self._marker_ids(llm)
        if min(ids.values()) < 0:
            llm.close()
            raise CompletionUnavailable(
                f"{self.model_name} has no fill-in-the-middle tokens, so it cannot complete "
                "code. Fix: use a Qwen2.5-Coder model for drafts (Model → Manage Models…) or "
                "a completion server (Settings → Completions).")
        stops = {llm.token_eos()}
        for marker in STOP_MARKERS:
            tokens = llm.tokenize(marker.encode(), add_bos=False, special=True)
            if len(tokens) == 1:
                stops.add(tokens[0])
        self._llm, self._ids, self._stop_ids = llm, ids, stops

    def _marker_ids(self, llm: Any) -> dict[str, int]:
        """The FIM markers' token ids: as the catalog spells them, else as the GGUF declares
        them (a file of the user's own); -1 where there is none."""
        if self._markers:
            ids = {}
            for role in ("prefix", "suffix", "middle"):
                tokens = llm.tokenize(self._markers.get(role, "").encode(), add_bos=False,
                                      special=True)
                ids[role] = tokens[0] if len(tokens) == 1 else -1
            return ids
        import llama_cpp

        vocab = llama_cpp.llama_model_get_vocab(llm.model)
        return {"prefix": llama_cpp.llama_vocab_fim_pre(vocab),
                "suffix": llama_cpp.llama_vocab_fim_suf(vocab),
                "middle": llama_cpp.llama_vocab_fim_mid(vocab)}

    def prompt_tokens(self, prefix: str, suffix: str) -> list[int]:
        """The FIM prompt, token by token (the test checks it against the real model).
        Runs on the completion thread, which owns the model."""
        box: list[list[int]] = []
        job = _Job(FimRequest(prefix, suffix))
        job.run = lambda: box.append(self._tokens(prefix, suffix))
        self._jobs.put(job)
        job.done.wait()
        if job.error is not None:
            raise job.error
        return box[0]

    def _tokens(self, prefix: str, suffix: str) -> list[int]:
        llm = self._llm

        def plain(text: str) -> list[int]:
            return llm.tokenize(text.encode("utf-8"), add_bos=False, special=False) if text else []

        budget = self._n_ctx - 64
        before, after = plain(prefix), plain(suffix)
        after = after[: budget // 4]
        before = before[-(budget - len(after) - 3):]
        return [self._ids["prefix"], *before, self._ids["suffix"], *after, self._ids["middle"]]

    def _generate(self, request: FimRequest, started: float) -> Completion:
        llm = self._llm
        tokens = self._tokens(request.prefix, request.suffix)
        reused = evaluate_prompt(llm, tokens, request.cancel)
        if reused is None:
            return Completion("", self.model_name, time.perf_counter() - started,
                              cancelled=True)
        made: list[int] = []
        text = ""
        for token in llm.generate(tokens, temp=0.0, top_k=1):
            if request.cancel.is_set():
                return Completion("", self.model_name, time.perf_counter() - started,
                                  tokens=len(made), cancelled=True)
            if token in self._stop_ids:
                break
            made.append(token)
            text = llm.detokenize(made).decode("utf-8", "ignore")
            if len(made) >= request.max_tokens or finished(text, request):
                break
        return Completion(tidy(text, request), self.model_name,
                          time.perf_counter() - started, tokens=len(made),
                          cached_tokens=reused, prompt_tokens=len(tokens))
