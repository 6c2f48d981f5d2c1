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
        self.stalls: list[tuple[float, float]] = []  # (when it ended, perf_counter s; ms)

    @property
    def stalls_ms(self) -> list[float]:
        return [ms for _at, ms in self.stalls]

    @property
    def longest_ms(self) -> float:
        return max(self.stalls_ms, default=0.0)

    def longest_between(self, start: float, end: float) -> float:
        """The longest stall that ended inside [start, end] (perf_counter seconds)."""
        return max((ms for at, ms in self.stalls if start <= at <= end), default=0.0)

    def start(self) -> None:
        self.stalls = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._last) * 1000 - self.interval_ms
        if late > 0:
            self.stalls.append((now, late))
        self._last = now
