"""A completer that answers from a function of the text around the cursor, for testing the
editor's ghost text. Like the local completer it blocks its caller until the answer is ready
and honours the request's cancel event while it works; `hold` keeps it working until
`release` (a slow model), so a test can type while a completion is in flight."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from desktop.core.completion.fim import Completion, FimRequest, tidy


class ScriptedCompleter:
    model_name = "scripted"

    def __init__(self, answer: Callable[[str, str], str], delay_s: float = 0.0) -> None:
        self.answer = answer
        self.delay_s = delay_s
        self.requests: list[FimRequest] = []
        self.warmed: list[FimRequest] = []
        self.cancelled: list[FimRequest] = []
        self.released = threading.Event()
        self.released.set()
        self.closed = False

    def hold(self) -> None:
        self.released.clear()

    def release(self) -> None:
        self.released.set()

    def warm(self, request: FimRequest) -> None:
        self.warmed.append(request)

    def complete(self, request: FimRequest) -> Completion:
        started = time.perf_counter()
        self.requests.append(request)
        deadline = started + self.delay_s
        while not self.released.is_set() or time.perf_counter() < deadline:
            if request.cancel.wait(0.01):
                self.cancelled.append(request)
                return Completion("", self.model_name, time.perf_counter() - started,
                                  cancelled=True)
        text = tidy(self.answer(request.prefix, request.suffix), request)
        return Completion(text, self.model_name, time.perf_counter() - started)

    def close(self) -> None:
        self.closed = True
        self.release()
