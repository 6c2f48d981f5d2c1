"""The bar under the preview that says the page has errors and offers to fix them.

A page can log errors without end (100,000 console.error calls in a loop): the bar keeps
the first MAX_KEPT distinct ones, which are what a fix needs, and counts the rest, so each
error costs the GUI thread the same small amount however many came before it."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.generation.fixing import summary

MAX_KEPT = 20
REFRESH_MS = 100  # past MAX_KEPT, the count on the bar is redrawn at most this often
STYLE = ("QWidget#errorBar{background:#fdecea;border:1px solid #f5c2bd;border-radius:4px}"
         "QLabel{color:#8a1f11}")


class ErrorBar(QWidget):
    fix_requested = Signal(list)  # the errors, as the user saw them

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # paint the colour
        self.setStyleSheet(STYLE)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.fix_button = QPushButton("Fix it")
        self.fix_button.clicked.connect(lambda: self.fix_requested.emit(list(self.errors)))
        layout.addWidget(self.label, 1)
        layout.addWidget(self.fix_button)
        self.errors: list[str] = []  # the first MAX_KEPT distinct errors
        self.more = 0  # errors after those
        self._refresh = QTimer(self, singleShot=True, interval=REFRESH_MS)
        self._refresh.timeout.connect(self._show)
        self.hide()

    def clear(self) -> None:
        self.errors = []
        self.more = 0
        self._refresh.stop()
        self.hide()

    def add(self, error: str) -> None:
        if error in self.errors:
            return
        if len(self.errors) >= MAX_KEPT:
            self.more += 1
            if not self._refresh.isActive():
                self._refresh.start()
            return
        self.errors.append(error)
        self._show()

    def _show(self) -> None:
        first = self.errors[0] if len(self.errors[0]) < 140 else self.errors[0][:137] + "…"
        self.label.setText(f"{self._count()} — {first}")
        self.label.setToolTip("\n".join(e[:300] for e in self.errors) + (
            f"\n…and {self.more:,} more" if self.more else ""))
        self.fix_button.setEnabled(True)
        self.show()

    def _count(self) -> str:
        if not self.more:
            return summary(self.errors)
        return f"{len(self.errors) + self.more:,} problems"

    def fixing(self) -> None:
        self.fix_button.setEnabled(False)
        self.label.setText(f"Fixing {self._count()}…")
