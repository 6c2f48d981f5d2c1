"""Where the user types what they want. Enter keeps the result, Ctrl+Enter asks the
strong model for it first, Shift+Enter adds a line, Esc cancels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QPlainTextEdit, QWidget


class PromptBox(QPlainTextEdit):
    instruction_changed = Signal(str)
    commit_requested = Signal()
    strong_commit_requested = Signal()
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(
            "Describe the app you want — it appears as you type. "
            "Enter keeps it, Ctrl+Enter asks the strong model, Esc drops it, Shift+Enter for a "
            "new line.")
        self.setTabChangesFocus(True)
        font = self.font()
        font.setPointSize(font.pointSize() + 2)
        self.setFont(font)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 16)
        self._quiet = False
        self.textChanged.connect(self._on_text_changed)

    def clear_quietly(self) -> None:
        self.set_text_quietly("")

    def set_text_quietly(self, text: str) -> None:
        """Change the text without starting a generation (a restored draft, a commit)."""
        self._quiet = True
        try:
            self.setPlainText(text)
        finally:
            self._quiet = False

    def _on_text_changed(self) -> None:
        if not self._quiet:
            self.instruction_changed.emit(self.toPlainText())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
                mods & Qt.KeyboardModifier.ShiftModifier):
            if mods & Qt.KeyboardModifier.ControlModifier:
                self.strong_commit_requested.emit()
            else:
                self.commit_requested.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.cancel_requested.emit()
            return
        super().keyPressEvent(event)
