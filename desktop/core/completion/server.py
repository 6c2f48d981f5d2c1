"""Completions from an OpenAI-compatible server that takes a suffix: how a user gives the
editor a bigger model (Ollama, or a llama-server build with FIM, on a GPU box).

It speaks the legacy completions route (`/v1/completions` with `prompt` and `suffix`) through
the official `openai` SDK; the server builds the FIM prompt for its model. The server is the
one set for the OpenAI-compatible provider (Settings → Providers), with its key rules.
"""

from __future__ import annotations

import time
from typing import Any

from desktop.core.completion.fim import Completion, CompletionUnavailable, FimRequest, tidy
from desktop.core.providers import registry
from desktop.core.settings import Settings

_STOPS = ["<|endoftext|>", "<|file_sep|>", "<|fim_pad|>"]


class ServerFimCompleter:
    def __init__(self, base_url: str, model: str, api_key: str = "",
                 timeout_s: float = 10.0) -> None:
        from openai import OpenAI, Timeout

        self.model_name = model
        self._client = OpenAI(api_key=api_key or "not-needed", base_url=base_url,
                              timeout=Timeout(timeout_s, connect=min(timeout_s, 3.0)),
                              max_retries=0)

    @classmethod
    def from_settings(cls, settings: Settings) -> ServerFimCompleter:
        configured = registry.configured_url(settings, "openai")
        url = registry.base_url("openai", configured)
        model = settings.completion_model or registry.model_of(settings, "openai")
        if not (url and model):
            raise CompletionUnavailable(
                "Completions from a server need its base URL and a model: set them in "
                "Settings → Providers → OpenAI-compatible (and Settings → Completions).")
        key = registry.key_for("openai", configured).key
        return cls(url, model, key, settings.request_timeout_s)

    def warm(self, request: FimRequest) -> None:
        """A server keeps its own caches; there is nothing to start early."""

    def complete(self, request: FimRequest) -> Completion:
        started = time.perf_counter()
        stop = [*_STOPS, "\n"] if request.single_line else _STOPS
        try:
            stream = self._client.completions.create(
                model=self.model_name, prompt=request.prefix, suffix=request.suffix,
                max_tokens=request.max_tokens, temperature=0.0, stop=stop, stream=True)
        except Exception as exc:  # the SDK's errors: say which server and why
            raise CompletionUnavailable(_explain(exc, str(self._client.base_url))) from exc
        parts: list[str] = []
        chunks = 0
        try:
            for chunk in stream:
                if request.cancel.is_set():
                    return Completion("", self.model_name, time.perf_counter() - started,
                                      tokens=chunks, cancelled=True)
                for choice in chunk.choices or ():
                    if choice.text:
                        chunks += 1
                        parts.append(choice.text)
        except Exception as exc:
            raise CompletionUnavailable(_explain(exc, str(self._client.base_url))) from exc
        finally:
            stream.close()
        return Completion(tidy("".join(parts), request), self.model_name,
                          time.perf_counter() - started, tokens=chunks)

    def close(self) -> None:
        self._client.close()


def _explain(exc: Any, url: str) -> str:
    status = getattr(exc, "status_code", None)
    if status == 404:
        return (f"The server at {url} has no completions route for this model (404). Fix: use "
                "a server that offers /v1/completions with a suffix (Ollama, llama-server).")
    if status in (401, 403):
        return (f"The completion server at {url} refused the key ({status}). Fix: set its key "
                "in Settings → Providers → OpenAI-compatible.")
    if status is not None:
        return f"The completion server at {url} failed ({status}): {getattr(exc, 'message', exc)}"
    return f"Could not reach the completion server at {url} ({type(exc).__name__}). Is it running?"
