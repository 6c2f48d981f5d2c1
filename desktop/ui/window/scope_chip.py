"""The chip beside the prompt that says what the next instruction is aimed at
("button#start", "3 elements", "lines 12-18"), with an ✕ that aims it at the whole app again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget


class ScopeChip(QFrame):
    cleared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("scopeChip")
        self.setStyleSheet("#scopeChip { background: #dbeafe; border: 1px solid #93c5fd; "
                           "border-radius: 11px; } QLabel { color: #1e3a8a; } "
                           "QToolButton { border: none; color: #1e3a8a; font-weight: bold; }")
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 1, 2, 1)
        row.setSpacing(2)
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setToolTip("Aim at the whole app again")
        self.close_button.clicked.connect(self.cleared)
        row.addWidget(self.label)
        row.addWidget(self.close_button)
        self.hide()

    def show_scope(self, text: str) -> None:
        """`text` empty hides the chip."""
        self.label.setText(text)
        self.label.setToolTip(f"What you type now changes only {text}; the rest of the app "
                              "stays as it is.")
        self.setVisible(bool(text))
