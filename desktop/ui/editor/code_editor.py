"""The code editor: monospace, line numbers, web syntax colours, the usual undo, and ghost
text for completions.

The app itself replaces the text while a model streams; `set_code_quietly` does that
without emitting `edited_by_user`, so only a person's edits reach the hand-edit path
(the Frescobaldi rule: the app's own writes do not trigger its own watchers). It also
takes away any ghost text: a suggestion is only ever for the text it was made for.
"""

from __future__ import annotations

# Imported now: the codec's lazy import on the first streamed update stalled the GUI
# thread for about 40 ms (caught by a stall watchdog during the latency benchmark).
import encodings.utf_16_le  # noqa: F401

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QKeyEvent, QPainter, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from desktop.ui.editor.ghost_text import GhostText, next_word
from desktop.ui.editor.highlighter import WebHighlighter
from desktop.ui.editor.qt_positions import char_offset, utf16_len

_MODIFIER_KEYS = {Qt.Key.Key_Control, Qt.Key.Key_Shift, Qt.Key.Key_Alt, Qt.Key.Key_Meta,
                  Qt.Key.Key_AltGr, Qt.Key.Key_CapsLock}


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, by bisection over C-speed slice comparisons."""
    low, high = 0, min(len(a), len(b))
    while low < high:
        mid = (low + high + 1) // 2
        if a[:mid] == b[:mid]:
            low = mid
        else:
            high = mid - 1
    return low


class _LineNumberArea(QWidget):
    def __init__(self, editor: CodeEditor) -> None:
        super().__init__(editor)
        self._editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self._editor.line_number_width(), 0)

    def paintEvent(self, event) -> None:
        self._editor.paint_line_numbers(event)


class CodeEditor(QPlainTextEdit):
    edited_by_user = Signal()
    # A person selected code (character offsets in the text, not Qt's UTF-16 positions), or
    # moved the cursor (nothing more: it moves with every key, and listeners that care wait
    # for it to settle). Replacing the text quietly emits neither.
    selected_by_user = Signal(int, int)
    cursor_moved_by_user = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSize(10)
        self.setFont(font)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setTabStopDistance(self.fontMetrics().horizontalAdvance(" ") * 2)
        self._highlighter = WebHighlighter(self.document())
        self._numbers = _LineNumberArea(self)
        self._quiet = False
        self.ghost = GhostText(self)
        self.cursorPositionChanged.connect(self._cursor_moved)
        self.selectionChanged.connect(self._selection_changed)
        self.blockCountChanged.connect(self._update_margin)
        self.updateRequest.connect(self._scroll_numbers)
        self.textChanged.connect(self._on_text_changed)
        self._update_margin()

    def set_code_quietly(self, code: str) -> None:
        """Replace the text as one undoable step, keeping the scroll position.

        Only the part after the common prefix is replaced: while a page streams in, that
        is the last few lines, so re-highlighting stays cheap and the GUI stays fluid."""
        self.ghost.clear()
        old = self.toPlainText()
        if code == old:
            return
        keep = _common_prefix(old, code)
        bar = self.verticalScrollBar().value()
        self._quiet = True
        try:
            cursor = QTextCursor(self.document())
            cursor.beginEditBlock()
            cursor.setPosition(utf16_len(old[:keep]))
            cursor.setPosition(utf16_len(old), QTextCursor.MoveMode.KeepAnchor)
            cursor.insertText(code[keep:])
            cursor.endEditBlock()
        finally:
            self._quiet = False
        self.verticalScrollBar().setValue(bar)

    # -- ghost text ----------------------------------------------------------------------------

    def show_ghost(self, text: str, position: int) -> None:
        """Show a suggestion at `position` (a Qt position), if the cursor is still there."""
        cursor = self.textCursor()
        if text and position == cursor.position() and not cursor.hasSelection():
            self.ghost.show(text, position)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if not self.ghost.active or key in _MODIFIER_KEYS:  # Ctrl alone is not a choice yet
            super().keyPressEvent(event)
            return
        plain = mods in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Tab and mods == Qt.KeyboardModifier.NoModifier:
            self._accept(self.ghost.text)
        elif key == Qt.Key.Key_Right and mods == Qt.KeyboardModifier.ControlModifier:
            self._accept(next_word(self.ghost.text))
        elif key == Qt.Key.Key_Escape:
            self.ghost.clear()
        elif plain and event.text() and self.ghost.text.startswith(event.text()):
            typed = event.text()
            self.ghost.take(typed)  # before the edit, so the moved cursor still matches
            super().keyPressEvent(event)
        else:
            self.ghost.clear()
            super().keyPressEvent(event)

    def _accept(self, part: str) -> None:
        self.ghost.take(part)
        cursor = self.textCursor()
        cursor.beginEditBlock()  # its own undo step, not merged with the typing before it
        cursor.insertText(part)  # an edit by the user: autosaved like typing
        cursor.endEditBlock()
        self.setTextCursor(cursor)

    def _cursor_moved(self) -> None:
        if self.ghost.active and self.textCursor().position() != self.ghost.position:
            self.ghost.clear()
        if not self._quiet and not self.textCursor().hasSelection():
            self.cursor_moved_by_user.emit()

    def _selection_changed(self) -> None:
        cursor = self.textCursor()
        if self._quiet or not cursor.hasSelection():
            return
        text = self.toPlainText()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        self.selected_by_user.emit(char_offset(text, start), char_offset(text, end))

    def cursor_offset(self) -> int:
        """The cursor's place as a character offset in the text."""
        return char_offset(self.toPlainText(), self.textCursor().position())

    def mark_scope(self, start: int, end: int, scroll: bool = True) -> None:
        """Shade the part a scoped edit is aimed at (character offsets), and bring it into
        view; start == end clears the shade."""
        text = self.toPlainText()
        if start >= end or end > len(text):
            self.setExtraSelections([])
            return
        shade = QTextEdit.ExtraSelection()
        shade.format.setBackground(QColor(37, 99, 235, 40))
        shade.cursor = QTextCursor(self.document())
        shade.cursor.setPosition(utf16_len(text[:start]))
        shade.cursor.setPosition(utf16_len(text[:end]), QTextCursor.MoveMode.KeepAnchor)
        self.setExtraSelections([shade])
        # Never move the cursor of someone typing here, or take away their selection.
        if scroll and not self.hasFocus() and not self.textCursor().hasSelection():
            at = QTextCursor(self.document())
            at.setPosition(utf16_len(text[:start]))
            self._quiet = True
            try:
                self.setTextCursor(at)
            finally:
                self._quiet = False
            self.centerCursor()

    def focusOutEvent(self, event) -> None:
        self.ghost.clear()
        super().focusOutEvent(event)

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        self.ghost.paint()

    def _on_text_changed(self) -> None:
        if not self._quiet:
            self.edited_by_user.emit()

    def line_number_width(self) -> int:
        digits = len(str(max(1, self.blockCount())))
        return 12 + self.fontMetrics().horizontalAdvance("9") * max(3, digits)

    def _update_margin(self, _count: int = 0) -> None:
        self.setViewportMargins(self.line_number_width(), 0, 0, 0)

    def _scroll_numbers(self, rect: QRect, dy: int) -> None:
        if dy:
            self._numbers.scroll(0, dy)
        else:
            self._numbers.update(0, rect.y(), self._numbers.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        area = self.contentsRect()
        self._numbers.setGeometry(QRect(area.left(), area.top(), self.line_number_width(),
                                        area.height()))

    def paint_line_numbers(self, event) -> None:
        painter = QPainter(self._numbers)
        painter.fillRect(event.rect(), QColor("#f3f3f3"))
        painter.setPen(QColor("#9a9a9a"))
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        top = round(self.blockBoundingGeometry(block).translated(self.contentOffset()).top())
        height = self.fontMetrics().height()
        while block.isValid() and top <= event.rect().bottom():
            if block.isVisible():
                painter.drawText(0, top, self._numbers.width() - 6, height,
                                 Qt.AlignmentFlag.AlignRight, str(number + 1))
            block = block.next()
            top += round(self.blockBoundingRect(block).height()) if block.isValid() else height
            number += 1
        painter.end()
