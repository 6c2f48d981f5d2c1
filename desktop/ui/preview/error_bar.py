"""The bar under the preview that says the page has errors and offers to fix them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.core.generation.fixing import summary

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
        self.errors: list[str] = []
        self.hide()

    def clear(self) -> None:
        self.errors = []
        self.hide()

    def add(self, error: str) -> None:
        if error in self.errors:
            return
        self.errors.append(error)
        first = self.errors[0] if len(self.errors[0]) < 140 else self.errors[0][:137] + "…"
        self.label.setText(f"{summary(self.errors)} — {first}")
        self.label.setToolTip("\n".join(self.errors))
        self.fix_button.setEnabled(True)
        self.show()

    def fixing(self) -> None:
        self.fix_button.setEnabled(False)
        self.label.setText(f"Fixing {summary(self.errors)}…")
