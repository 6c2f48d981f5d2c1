"""Ghost text: a suggested completion drawn in grey at the cursor, never in the document.

The suggestion is painted over the editor, not inserted, so nothing that reads the code
(autosave, the hand-edit path, exports) ever sees it. Its first line sits at the cursor
and pushes the rest of that line to the right, as it would once accepted; further lines
are drawn over the lines below until the user accepts (Tab), takes a word (Ctrl+Right)
or moves on (Esc, or any other key).
"""

from __future__ import annotations

import re

from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QPainter, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from desktop.ui.editor.qt_positions import utf16_len

GHOST_COLOR = QColor("#9a9a9a")
# Lines after the first are drawn over the code below them: a faint tint says they float.
_OVERLAY = QColor("#f3f6fa")
_WORD = re.compile(r"\s*[^\w\s]*\w+|\s*[^\w\s]+|\s+")


def next_word(text: str) -> str:
    """What Ctrl+Right takes of a suggestion: leading spaces, then a word with the
    punctuation just before it (`'click`), or a run of punctuation."""
    match = _WORD.match(text)
    return match.group(0) if match else text


class GhostText:
    """The suggestion on show in one editor: its text and where it goes (a Qt position)."""

    def __init__(self, editor: QPlainTextEdit) -> None:
        self._editor = editor
        self.text = ""
        self.position = -1

    @property
    def active(self) -> bool:
        return bool(self.text)

    def show(self, text: str, position: int) -> None:
        self.text, self.position = text, position
        self._editor.viewport().update()

    def clear(self) -> None:
        if self.text:
            self.text, self.position = "", -1
            self._editor.viewport().update()

    def take(self, part: str) -> None:
        """`part` of the suggestion was typed or accepted: keep showing the rest."""
        self.text = self.text[len(part):]
        self.position += utf16_len(part)
        if not self.text:
            self.position = -1
        self._editor.viewport().update()

    def paint(self) -> None:
        if not self.active:
            return
        editor = self._editor
        cursor = QTextCursor(editor.document())
        cursor.setPosition(self.position)
        block = cursor.block()
        rest = block.text()[cursor.positionInBlock():].replace("\t", "  ")
        line_start = QTextCursor(block)
        left = editor.cursorRect(line_start).left()
        at = editor.cursorRect(cursor)
        metrics = editor.fontMetrics()
        height = at.height()
        width = editor.viewport().width()
        background = editor.palette().base()
        painter = QPainter(editor.viewport())
        painter.setFont(editor.font())
        x, y = at.left() + 1, at.top()  # + 1: the caret stays visible
        lines = self.text.replace("\t", "  ").split("\n")
        for index, line in enumerate(lines):
            painter.fillRect(QRect(x, y, width - x, height), background if index == 0
                             else _OVERLAY)
            painter.setPen(GHOST_COLOR)
            painter.drawText(x, y + metrics.ascent(), line)
            x += metrics.horizontalAdvance(line)
            if index < len(lines) - 1:
                x, y = left, y + height
        if rest:
            painter.setPen(editor.palette().text().color())
            painter.drawText(x, y + metrics.ascent(), rest)
        painter.end()
