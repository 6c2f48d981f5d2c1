"""How long the GUI thread goes without getting back to its event loop.

A precise timer asks to run every few milliseconds; any lateness beyond that is time the
GUI could not answer the user. Used by the benchmark and the responsiveness test."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer


class StallMonitor(QObject):
    def __init__(self, interval_ms: int = 5, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        self.stalls_ms: list[float] = []

    @property
    def longest_ms(self) -> float:
        return max(self.stalls_ms, default=0.0)

    def start(self) -> None:
        self.stalls_ms = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - self.interval_ms
        if late > 0:
            self.stalls_ms.append(late)
        self._last = now
