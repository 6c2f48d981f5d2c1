"""Claude (Sonnet by default) through the official `anthropic` SDK: the strong tier.

Prompt caching: the system prompt and the current code carry `cache_control`, so the second
request on the same code reads them from Anthropic's cache (a tenth of the input price) instead of
paying for them again. The instruction comes after the last breakpoint, so every keystroke
and every turn shares the cached prefix. No sampling parameters are sent: the current API
version rejects them.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from desktop.core.providers import registry
from desktop.core.providers.base import (
    ChatRequest,
    Done,
    Event,
    Message,
    TextDelta,
    Usage,
)
from desktop.core.providers.cloud_base import CloudProvider, cut_off, timeouts
from desktop.core.providers.cloud_errors import CloudTarget, error_from_exception
from desktop.core.settings import Settings

CACHED = {"type": "ephemeral"}


def anthropic_messages(messages: list[Message]) -> tuple[list[dict], list[dict]]:
    """(system blocks, messages) in the Messages API shape, with cache breakpoints on the
    system prompt and at the end of each message's stable prefix (at most 4 in all)."""
    system: list[dict] = []
    turns: list[dict] = []
    for message in messages:
        if message.role == "system":
            system.append({"type": "text", "text": message.content, "cache_control": CACHED})
            continue
        cut = message.stable_prefix
        if 0 < cut < len(message.content):
            blocks = [{"type": "text", "text": message.content[:cut], "cache_control": CACHED},
                      {"type": "text", "text": message.content[cut:]}]
        else:
            blocks = [{"type": "text", "text": message.content}]
        # Pictures go after the cached prefix and before the request, which they illustrate.
        pictures = [{"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                                 "data": base64.b64encode(png).decode()}}
                    for png in message.images]
        blocks[-1:-1] = pictures
        turns.append({"role": message.role, "content": blocks})
    breakpoints = system + [b for t in turns for b in t["content"] if "cache_control" in b]
    for block in breakpoints[:-4]:  # the API allows four; the newest code matters most
        block.pop("cache_control")
    return system, turns


class ClaudeProvider(CloudProvider):
    id = "anthropic"
    vision = True

    @classmethod
    def from_settings(cls, model: str, api_key: str, base_url: str,
                      settings: Settings) -> ClaudeProvider:
        # Claude writes more slowly than the fast tier: a shorter silence is not a failure.
        return cls(model, api_key, base_url, max(settings.request_timeout_s, 30.0))

    def __init__(self, model: str, api_key: str, base_url: str = "",
                 timeout_s: float = 30.0) -> None:
        from anthropic import Anthropic, Timeout

        self.model_name = model
        self.timeout_s = timeout_s
        self._client = Anthropic(api_key=api_key, base_url=base_url or None,
                                 timeout=timeouts(Timeout, timeout_s), max_retries=0)
        self.target = CloudTarget("Anthropic", str(self._client.base_url),
                                  registry.spec(self.id).key_env_var, api_key)

    def _events(self, request: ChatRequest, opened: list[Any]) -> Iterator[Event]:
        system, turns = anthropic_messages(request.messages)
        try:
            events = self._client.messages.create(
                model=self.model_name, max_tokens=request.max_tokens, system=system,
                messages=turns, stream=True)
        except Exception as exc:  # the SDK's errors, mapped to what the user should do
            yield error_from_exception(exc, self.target, self.timeout_s)
            return
        opened.append(events)
        start: Any = None
        out_tokens, deltas, finish = 0, 0, None  # None until message_stop says it is whole
        try:
            for event in events:
                if request.cancel.is_set():
                    yield _usage(start, out_tokens or deltas)
                    yield Done("cancelled")
                    return
                if event.type == "message_start":
                    start = event.message.usage
                elif event.type == "content_block_delta" and event.delta.type == "text_delta":
                    deltas += 1
                    yield TextDelta(event.delta.text)
                elif event.type == "message_delta":
                    out_tokens = event.usage.output_tokens
                    if event.delta.stop_reason == "max_tokens":
                        finish = "length"
                elif event.type == "message_stop":
                    finish = finish or "stop"
        except Exception as exc:
            # An error event after HTTP 200 (overloaded): what arrived stays with the caller.
            yield _usage(start, out_tokens or deltas)
            yield error_from_exception(exc, self.target, self.timeout_s, partial_tokens=deltas)
            return
        finally:
            events.close()
        yield _usage(start, out_tokens or deltas)
        if finish is None:
            yield cut_off(self.target.label, deltas)
            return
        yield Done(finish)


def _usage(start: Any, out_tokens: int) -> Usage:
    if start is None:
        return Usage(0, out_tokens)
    return Usage(tokens_in=start.input_tokens or 0, tokens_out=out_tokens,
                 cached_tokens=start.cache_read_input_tokens or 0,
                 cache_creation_tokens=start.cache_creation_input_tokens or 0)
