"""A debounce that also has a deadline: act once input pauses, and at least every
`max_wait_ms` while it never does.

A plain restart-on-every-key timer never fires for someone who types without pausing;
for saving, that meant a steady typist was never saved at all."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


class Debounce(QObject):
    def __init__(self, pause_ms: int, max_wait_ms: int, action: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self._pause = QTimer(self, singleShot=True, interval=pause_ms)
        self._deadline = QTimer(self, singleShot=True, interval=max_wait_ms)
        self._pause.timeout.connect(self.flush)
        self._deadline.timeout.connect(self.flush)
        self.pending = False  # something changed that has not been acted on

    def poke(self) -> None:
        """Something changed: act after the pause, or at the deadline if sooner."""
        self.pending = True
        self._pause.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def flush(self) -> None:
        """Act now if something is waiting."""
        if self.pending:
            self.cancel()
            self._action()

    def cancel(self) -> None:
        self.pending = False
        self._pause.stop()
        self._deadline.stop()
