"""Keystroke to preview: the clock starts at a keystroke and stops at the first paint of a
page made for the instruction as typed then (the status bar's key→preview figure)."""

from __future__ import annotations

import time


class LatencyClock:
    def __init__(self) -> None:
        self._typed_at = time.perf_counter()
        self._measuring = False  # no page for the last keystroke has been painted yet
        self._awaiting: dict[int, float] = {}  # display tag → keystroke time

    def keystroke(self) -> None:
        self._typed_at = time.perf_counter()
        self._measuring = True

    def stop(self) -> None:
        self._measuring = False

    def shown(self, tag: int, measure: bool) -> None:
        """A page is on its way to the preview; with `measure` its paint stops the clock."""
        self._awaiting = {tag: self._typed_at} if measure and self._measuring else {}

    def painted(self, tag: object) -> float | None:
        """Milliseconds since the keystroke, when this paint stops the clock."""
        typed_at = self._awaiting.pop(tag, None) if isinstance(tag, int) else None
        if typed_at is None:
            return None
        self._measuring = False
        return (time.perf_counter() - typed_at) * 1000
