"""How long the GUI thread goes without getting back to its event loop.

A precise timer asks to run every few milliseconds; any lateness beyond that is time the
GUI could not answer the user. With `catch_over_ms`, a watchdog thread also records the GUI
thread's Python stack while a stall is going on, which is how the culprit gets found."""

from __future__ import annotations

import sys
import threading
import time
import traceback

from PySide6.QtCore import QObject, Qt, QTimer


class _Beat:
    """What the watchdog thread reads and writes. The thread holds this, never the QObject:
    a QObject whose last reference goes with a worker thread is destroyed there, and that
    deadlocks against the GUI thread (Qt's connection lock against the GIL)."""

    def __init__(self) -> None:
        self.last = 0.0
        self.running = False
        self.caught: list[str] = []


class StallMonitor(QObject):
    def __init__(self, interval_ms: int = 5, parent: QObject | None = None,
                 catch_over_ms: float | None = None) -> None:
        super().__init__(parent)
        self.interval_ms = interval_ms
        self.catch_over_ms = catch_over_ms
        self._beat = _Beat()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._tick)
        self.stalls: list[tuple[float, float]] = []  # (when it ended, perf_counter s; ms)

    @property
    def caught(self) -> list[str]:
        """Stacks seen during stalls longer than catch_over_ms."""
        return self._beat.caught

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
        beat = self._beat = _Beat()
        beat.last = time.perf_counter()
        beat.running = True
        self._timer.start()
        if self.catch_over_ms is not None:
            threading.Thread(target=_watch, daemon=True, args=(
                beat, threading.get_ident(), self.interval_ms, self.catch_over_ms)).start()

    def stop(self) -> None:
        self._timer.stop()
        self._beat.running = False

    def _tick(self) -> None:
        now = time.perf_counter()
        late = (now - self._beat.last) * 1000 - self.interval_ms
        if late > 0:
            self.stalls.append((now, late))
        self._beat.last = now


def _watch(beat: _Beat, gui_thread: int, interval_ms: int, catch_over_ms: float) -> None:
    """Record the GUI thread's stack once per stall longer than `catch_over_ms`."""
    reported = 0.0
    while beat.running:
        time.sleep(0.005)
        last = beat.last
        late_ms = (time.perf_counter() - last) * 1000 - interval_ms
        if late_ms > catch_over_ms and last != reported:
            reported = last
            frame = sys._current_frames().get(gui_thread)
            stack = "".join(traceback.format_stack(frame)[-8:]) if frame else "?"
            beat.caught.append(f"stall over {late_ms:.0f} ms so far, in:\n{stack}")
