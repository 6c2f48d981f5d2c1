"""Streaming chat completions, the OpenAI wire shape that Cerebras also speaks.

`ChatCompletionsProvider` owns one SDK client for its whole life (creating a Cerebras
client warms a TCP connection) and turns the SDK's chunk stream into our events. The SDK's
own retries are off: its waits cannot be cancelled by the next keystroke and the Anthropic
SDK waits as long as Retry-After says; `failover.py` retries instead, briefly and
cancellably.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from desktop.core.providers import registry
from desktop.core.providers.base import (
    ChatRequest,
    Done,
    Event,
    TextDelta,
    Usage,
)
from desktop.core.providers.cloud_base import CloudProvider, cut_off, timeouts
from desktop.core.providers.cloud_errors import CloudTarget, error_from_exception
from desktop.core.settings import Settings


class ChatCompletionsProvider(CloudProvider):
    """Subclasses make the client and say which extra parameters their API takes."""

    label: ClassVar[str] = ""

    def __init__(self, model: str, api_key: str, base_url: str = "",
                 timeout_s: float = 20.0, send_prediction: bool = False,
                 reasoning_effort: str = "") -> None:
        self.model_name = model
        self.timeout_s = timeout_s
        self.send_prediction = send_prediction and self.prediction
        self.reasoning_effort = reasoning_effort
        self._client = self._make_client(api_key, base_url or None, timeout_s)
        self.target = CloudTarget(self.label, str(self._client.base_url),
                                  registry.spec(self.id).key_env_var, api_key)

    def _make_client(self, api_key: str, base_url: str | None, timeout_s: float) -> Any:
        raise NotImplementedError

    def _extra_params(self, request: ChatRequest) -> dict[str, Any]:
        return {}

    def _events(self, request: ChatRequest, opened: list[Any]) -> Iterator[Event]:
        messages = [{"role": m.role, "content": m.content} for m in request.messages]
        tokens = 0
        try:
            response = self._client.chat.completions.create(
                model=self.model_name, messages=messages, stream=True,
                temperature=request.temperature, **self._extra_params(request))
        except Exception as exc:  # the SDK's errors, mapped below; nothing is swallowed
            yield error_from_exception(exc, self.target, self.timeout_s)
            return
        opened.append(response)
        finish = None  # a stream that ends without one was cut off, not finished
        try:
            for chunk in response:
                if request.cancel.is_set():
                    yield Done("cancelled")
                    return
                for choice in chunk.choices or ():
                    text = getattr(choice.delta, "content", None) if choice.delta else None
                    if text:
                        tokens += 1
                        yield TextDelta(text)
                    if choice.finish_reason:
                        finish = "length" if choice.finish_reason == "length" else "stop"
                if chunk.usage is not None:
                    yield _usage(chunk.usage, getattr(chunk, "time_info", None))
        except Exception as exc:
            yield error_from_exception(exc, self.target, self.timeout_s, partial_tokens=tokens)
            return
        finally:
            response.close()
        if finish is None:
            yield cut_off(self.target.label, tokens)
            return
        yield Done(finish)


def _usage(usage: Any, time_info: Any) -> Usage:
    """Usage from the final chunk, with Cerebras's `time_info` (seconds per phase)."""
    cached = getattr(getattr(usage, "prompt_tokens_details", None), "cached_tokens", None) or 0
    prompt = usage.prompt_tokens or 0
    timing = None
    if time_info is not None:
        raw = time_info if isinstance(time_info, dict) else time_info.model_dump()
        timing = {k: float(v) for k, v in raw.items()
                  if k.endswith("_time") and isinstance(v, int | float)}
    return Usage(tokens_in=max(0, prompt - cached), tokens_out=usage.completion_tokens or 0,
                 cached_tokens=cached, server_timing=timing)



class CerebrasProvider(ChatCompletionsProvider):
    id = "cerebras"
    label = "Cerebras"
    prediction = True

    @classmethod
    def from_settings(cls, model: str, api_key: str, base_url: str,
                      settings: Settings) -> CerebrasProvider:
        return cls(model, api_key, base_url, settings.request_timeout_s,
                   send_prediction=settings.cerebras_prediction,
                   reasoning_effort=settings.cerebras_reasoning_effort)

    def _make_client(self, api_key: str, base_url: str | None, timeout_s: float) -> Any:
        from cerebras.cloud.sdk import Cerebras, Timeout

        return Cerebras(api_key=api_key, base_url=base_url, timeout=timeouts(Timeout, timeout_s),
                        max_retries=0)

    def _extra_params(self, request: ChatRequest) -> dict[str, Any]:
        # The rate limiter reserves max_completion_tokens up front: keep it to what we need.
        params: dict[str, Any] = {"max_completion_tokens": request.max_tokens}
        if self.send_prediction and request.prediction:
            params["prediction"] = {"type": "content", "content": request.prediction}
        if self.reasoning_effort:
            params["reasoning_effort"] = self.reasoning_effort
        return params


class OpenAIProvider(ChatCompletionsProvider):
    """Any OpenAI-compatible server: llama-server, vLLM, Ollama, or OpenAI itself."""

    id = "openai"
    label = "The OpenAI-compatible server"

    def _make_client(self, api_key: str, base_url: str | None, timeout_s: float) -> Any:
        from openai import OpenAI, Timeout

        # Local servers need no key, but the SDK insists on one.
        return OpenAI(api_key=api_key or "not-needed", base_url=base_url,
                      timeout=timeouts(Timeout, timeout_s), max_retries=0)

    def _extra_params(self, request: ChatRequest) -> dict[str, Any]:
        return {"max_tokens": request.max_tokens, "stream_options": {"include_usage": True}}
