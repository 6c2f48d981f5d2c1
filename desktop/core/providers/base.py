"""What every model backend speaks: a request in, a stream of events out.

A provider is one small class with a generator (the simonw/llm shape). Capabilities are
plain attributes that the generation path reads; what a provider is (its label, key and URL
variables, its settings) is one row of registry.py.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import ClassVar, Literal


@dataclass(frozen=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str
    # How many leading characters of `content` stay the same from keystroke to keystroke
    # (the current code). Anthropic puts a cache breakpoint there; others ignore it.
    stable_prefix: int = 0
    # PNG screenshots that go with the text (Fix it shows the model the preview). Only
    # providers with `vision` send them; the others send the text alone.
    images: tuple[bytes, ...] = ()


@dataclass
class ChatRequest:
    """One call to a model. `cancel` may be set from any thread; the provider checks it
    between tokens (and, locally, between prompt-eval batches)."""

    messages: list[Message]
    max_tokens: int = 2048
    temperature: float = 0.2
    cancel: threading.Event = field(default_factory=threading.Event)
    # Code the reply will mostly repeat (an edit asked for as a whole file). Providers with
    # Predicted Outputs send it; the others ignore it.
    prediction: str | None = None


@dataclass(frozen=True)
class TextDelta:
    text: str


@dataclass(frozen=True)
class Usage:
    # Prompt tokens at the full input price: cloud providers leave out what their cache
    # served or stored (below); the local model counts every prompt token here.
    tokens_in: int
    tokens_out: int
    cached_tokens: int = 0  # prompt tokens served from a cache (KV cache or the provider's)
    cache_creation_tokens: int = 0  # prompt tokens written to the provider's cache
    server_timing: dict[str, float] | None = None  # seconds per phase, as the server says


@dataclass(frozen=True)
class Done:
    finish_reason: Literal["stop", "length", "cancelled"]


ErrorKind = Literal["auth", "rate_limit", "unavailable", "network", "timeout", "bad_request",
                    "other"]


@dataclass(frozen=True)
class Error:
    message: str  # for the user: what happened and what to do
    kind: ErrorKind = "other"
    retry_after_s: float | None = None  # the server asked us to wait this long
    status: int | None = None  # the HTTP status, when there was one


Event = TextDelta | Usage | Done | Error


class ProviderError(Exception):
    """A provider cannot work at all (no model, no key). The message names the fix."""


class Provider:
    id: ClassVar[str] = ""
    streaming: ClassVar[bool] = True
    vision: ClassVar[bool] = False  # sees the screenshots a message carries (Fix it)
    prediction: ClassVar[bool] = False  # takes the code a reply will repeat (Predicted Outputs)

    model_name: str = ""

    def stream(self, request: ChatRequest) -> Iterator[Event]:
        """Yield TextDelta… then Usage, then exactly one Done or Error, and stop.
        Closing the generator early cancels the request."""
        raise NotImplementedError

    def prefill(self, request: ChatRequest) -> None:
        """Get ready for requests that start like this one, while the user is still
        thinking: a local model evaluates the prompt into its KV cache. Blocks until done
        or cancelled; the default does nothing."""

    def list_models(self) -> list[str]:
        """The model ids this provider can serve (a cloud API asks the server). Raises
        ProviderError with the exact reason when it cannot."""
        return [self.model_name]

    def close(self) -> None:
        """Release the model or connection. Safe to call twice."""
