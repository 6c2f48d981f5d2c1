"""At most one update per interval: the first at once, then the latest one at the end of
each interval (older ones in between are dropped). Streaming pages use it so the preview
patches a few times a second, not once per token."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer

_NOTHING = object()


class Throttle(QObject):
    def __init__(self, interval_ms: int, deliver: Callable[[Any], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._deliver = deliver
        self._latest: Any = _NOTHING
        self._timer = QTimer(self, singleShot=True, interval=interval_ms)
        self._timer.timeout.connect(self._flush)

    def push(self, value: Any) -> None:
        self._latest = value
        if not self._timer.isActive():
            self._flush()
            self._timer.start()

    def drop(self) -> None:
        """Forget what is waiting (its request was superseded or finished)."""
        self._latest = _NOTHING
        self._timer.stop()

    def _flush(self) -> None:
        if self._latest is not _NOTHING:
            value, self._latest = self._latest, _NOTHING
            self._deliver(value)
