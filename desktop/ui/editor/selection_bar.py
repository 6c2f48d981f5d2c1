"""The bar that opens over selected code on Ctrl+K: a one-line instruction, then the change
as an inline diff (removed lines struck through, new lines highlighted) to accept with Enter
or reject with Esc. It only shows; selection_rewrite.py decides what happens."""

from __future__ import annotations

import difflib
import html

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

_REMOVED = "background:#fde4e4;color:#8a1c1c;text-decoration:line-through"
_ADDED = "background:#dff5df;color:#14531f"
_KEPT = "color:#777"


def diff_html(old: str, new: str) -> str:
    """Line by line: what goes (struck through), what comes (highlighted), what stays."""
    old_lines, new_lines = old.split("\n"), new.split("\n")
    rows = []

    def row(style: str, mark: str, line: str) -> None:
        text = html.escape(line).replace(" ", "&nbsp;") or "&nbsp;"
        rows.append(f'<div style="{style}">{mark}&nbsp;{text}</div>')

    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for line in old_lines[a1:a2]:
                row(_KEPT, "&nbsp;", line)
            continue
        for line in old_lines[a1:a2]:
            row(_REMOVED, "&#8722;", line)
        for line in new_lines[b1:b2]:
            row(_ADDED, "+", line)
    return "".join(rows)


class SelectionBar(QFrame):
    submitted = Signal(str)  # the instruction
    accepted = Signal()
    rejected = Signal()  # Esc or ✕: close, change nothing

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("SelectionBar { background:#ffffff; border:1px solid #7a9cc6; "
                           "border-radius:4px; }")
        self.instruction = QLineEdit()
        self.instruction.setPlaceholderText("Describe the change to the selected lines, "
                                            "then Enter (Esc closes)")
        # Keys are taken here, not through returnPressed: QLineEdit lets Return go on to
        # its parent, and the parent is the editor, which would type a newline.
        self.instruction.installEventFilter(self)
        self.status = QLabel("")
        self.status.setStyleSheet("color:#555")
        self.diff = QTextEdit()
        self.diff.setReadOnly(True)
        self.diff.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.diff.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.diff.setLineWrapMode(QTextEdit.LineWrapMode.NoWrap)
        self.accept_button = QPushButton("Accept (Enter)")
        self.reject_button = QPushButton("Reject (Esc)")
        self.accept_button.clicked.connect(self.accepted)
        self.reject_button.clicked.connect(self.rejected)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.instruction)
        layout.addWidget(self.diff)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.reviewing = False
        self.hide()

    def ask(self, top: int, label: str) -> None:
        """Open at `top` (viewport pixels) for the lines named by `label`."""
        self.reviewing = False
        self.instruction.clear()
        self.instruction.setReadOnly(False)
        self.diff.hide()
        self.accept_button.hide()
        self.status.setText(f"Rewrite {label} with the fast model")
        self._place(top)
        self.show()
        self.raise_()
        self.instruction.setFocus()

    def working(self, text: str) -> None:
        self.instruction.setReadOnly(True)
        self.status.setText(text)

    def review(self, old: str, new: str, note: str) -> None:
        self.reviewing = True
        self.diff.setHtml(diff_html(old, new))
        rows = self.diff.document().blockCount()
        height = rows * self.diff.fontMetrics().lineSpacing() + 14
        scrollbar = self.diff.horizontalScrollBar().sizeHint().height()
        self.diff.setFixedHeight(min(height + scrollbar, 320))
        self.diff.show()
        self.accept_button.show()
        self.status.setText(note)
        self._place(self.y())
        self.instruction.setFocus()

    def failed(self, message: str) -> None:
        """The rewrite could not be made: say why; the instruction can be edited and sent
        again."""
        self.reviewing = False
        self.instruction.setReadOnly(False)
        self.status.setText(message)
        self.status.setToolTip(message)

    def _place(self, top: int) -> None:
        parent = self.parentWidget()
        width = max(320, parent.width() - 24)
        self.setFixedWidth(width)
        self.adjustSize()
        self.move(12, max(0, min(top, parent.height() - self.height())))

    def _enter(self) -> None:
        if self.reviewing:
            self.accepted.emit()
        elif self.instruction.text().strip() and not self.instruction.isReadOnly():
            self.submitted.emit(self.instruction.text().strip())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.instruction and event.type() == QEvent.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.rejected.emit()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._enter()
                return True
        return super().eventFilter(watched, event)
