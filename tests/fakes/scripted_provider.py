"""A provider that answers from a script, for testing the keystroke loop in the window.

It is a real Provider (a generator on the caller's thread, honouring cancel between
chunks), so the window drives it exactly as it drives a model. It records what it was asked,
what was cancelled, and how many streams it started."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Generator

from desktop.core.providers.base import ChatRequest, Done, Event, Provider, TextDelta, Usage


def page_for(instruction: str) -> str:
    return (f"<!DOCTYPE html>\n<html><head><title>{instruction}</title></head>\n"
            f"<body><h1 id=\"app\">{instruction}</h1>\n"
            f"<p>Generated for: {instruction}</p>\n</body></html>\n")


def instruction_of(request: ChatRequest) -> str:
    user = request.messages[-1].content
    match = re.search(r"(?:The app|Change it as follows|Change them as follows|"
                      r"so that it does this|Rewrite it so that): (.*)$", user, re.S)
    return match.group(1).strip() if match else user


class ScriptedProvider(Provider):
    id = "scripted"
    model_name = "scripted"

    def __init__(self, reply: Callable[[str], str] = lambda i: f"```html\n{page_for(i)}```",
                 chunks: int = 12, delay_s: float = 0.02) -> None:
        self.reply = reply
        self.chunks = chunks
        self.delay_s = delay_s
        self.requests: list[ChatRequest] = []  # generations: they ask for an app or a change
        self.other_requests: list[ChatRequest] = []  # anything else, e.g. naming the app
        self.cancelled: list[str] = []
        self.completed: list[str] = []
        self.prefilled: list[str] = []
        self._lock = threading.Lock()

    @property
    def instructions(self) -> list[str]:
        with self._lock:
            return [instruction_of(r) for r in self.requests]

    def prefill(self, request: ChatRequest) -> None:
        with self._lock:
            self.prefilled.append(request.messages[-1].content)

    def stream(self, request: ChatRequest) -> Generator[Event, None, None]:
        with self._lock:
            generation = re.search(r"(?:The app|Change it as follows|Change them as follows|"
                                   r"so that it does this|Rewrite it so that): ",
                                   request.messages[-1].content) is not None
            (self.requests if generation else self.other_requests).append(request)
        instruction = instruction_of(request)
        text = self.reply(instruction)
        size = max(1, -(-len(text) // self.chunks))
        for start in range(0, len(text), size):
            if request.cancel.is_set():
                if generation:
                    with self._lock:
                        self.cancelled.append(instruction)
                yield Done("cancelled")
                return
            time.sleep(self.delay_s)
            yield TextDelta(text[start:start + size])
        if generation:
            with self._lock:
                self.completed.append(instruction)
        yield Usage(tokens_in=100, tokens_out=self.chunks)
        yield Done("stop")
