"""Select code, press Ctrl+K, say what to change: the fast model rewrites only those lines
(a scoped edit, desktop/core/generation/scoped.py), and the change waits as an inline diff
until the user accepts it (it becomes a version, like any kept result) or rejects it."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QTextCursor

from desktop.core.generation.generate import GenerationRequest, GenerationResult
from desktop.core.generation.scoped import Scope
from desktop.core.providers import registry
from desktop.core.routing.engine import Engine
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.editor.qt_positions import char_offset, utf16_len
from desktop.ui.editor.selection_bar import SelectionBar
from desktop.ui.workers import BackgroundJob, message_of


class SelectionRewrite(QObject):
    kept = Signal(str, object, str)  # instruction (with its lines), GenerationResult, base code
    reply_received = Signal(str, object)  # every reply costs tokens: recorded as a draft
    status = Signal(str)

    def __init__(self, editor: CodeEditor, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.engine = editor, engine
        self.bar = SelectionBar(editor.viewport())
        self.bar.submitted.connect(self._rewrite)
        self.bar.accepted.connect(self._accept)
        self.bar.rejected.connect(self.close)
        self._code = ""
        self._scope: Scope | None = None
        self._cancel: threading.Event | None = None
        self._result: GenerationResult | None = None
        self._instruction = ""

    def open(self) -> None:
        """Ctrl+K: ask what to change in the selected lines."""
        cursor = self.editor.textCursor()
        if not cursor.hasSelection():
            self.status.emit("Select the code to change first, then press Ctrl+K")
            return
        self.close()
        code = self.editor.toPlainText()
        start, end = sorted((cursor.selectionStart(), cursor.selectionEnd()))
        self._code = code
        self._scope = Scope(char_offset(code, start),
                            char_offset(code, end)).widened_to_lines(code)
        top = self.editor.cursorRect(self._cursor_at(self._scope.start)).top()
        self.bar.ask(top + self.editor.fontMetrics().height() + 4, self._scope.label(code))
        self.editor.setReadOnly(True)  # what the diff is made against stays put

    def close(self) -> None:
        if self._cancel is not None:
            self._cancel.set()
        self._cancel, self._result, self._scope = None, None, None
        self.bar.hide()
        self.editor.setReadOnly(False)
        self.editor.setFocus()

    def _rewrite(self, instruction: str) -> None:
        assert self._scope is not None
        self._instruction = instruction
        decision = self.engine.router.route(instruction)
        request = GenerationRequest(instruction, self._code, self.engine.settings.max_tokens,
                                    self.engine.settings.temperature, scope=self._scope)
        cancel = self._cancel = threading.Event()
        engine, label = self.engine, registry.label(decision.provider_id)
        self.bar.working(f"Rewriting with {label}…")
        job = BackgroundJob(lambda emit: engine.run(decision, request, cancel, on_progress=emit),
                            self)
        job.progressed.connect(lambda progress: self._progressed(cancel, label, progress))
        job.succeeded.connect(lambda result: self._finished(cancel, result))
        job.failed.connect(lambda error: self._finished(cancel, None, message_of(error)))
        job.start()

    def _progressed(self, cancel: threading.Event, label: str, progress) -> None:
        if cancel is self._cancel:
            self.bar.working(f"Rewriting with {label}… {progress.tokens_out} tokens")

    def _finished(self, cancel: threading.Event, result: GenerationResult | None,
                  error: str = "") -> None:
        if result is not None:
            self.reply_received.emit(self._lines_instruction(), result)
        if cancel is not self._cancel or self._scope is None:
            return  # closed, or asked again, meanwhile
        if result is None or not result.ok:
            self.bar.failed(error or (result.message if result else "") or "Nothing changed.")
            return
        assert result.code is not None
        scope = self._scope
        new_end = len(result.code) - (len(self._code) - scope.end)
        self._result = result
        took = f"{result.total_ms / 1000:.1f} s, {result.tokens_out} tokens"
        self.bar.review(self._code[scope.start:scope.end], result.code[scope.start:new_end],
                        f"{result.model} · {took} — Enter accepts, Esc rejects")

    def _accept(self) -> None:
        result, code = self._result, self._code
        if result is None or result.code is None:
            return
        instruction = self._lines_instruction()
        self.close()
        if self.editor.toPlainText() != code:
            self.status.emit("The code changed meanwhile; select the lines and ask again")
            return
        self.kept.emit(instruction, result, code)

    def _lines_instruction(self) -> str:
        """The instruction as history shows it: which lines it changed."""
        label = self._scope.label(self._code) if self._scope else "selection"
        return f"{label[0].upper()}{label[1:]}: {self._instruction}"

    def _cursor_at(self, offset: int) -> QTextCursor:
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(utf16_len(self._code[:offset]))
        return cursor
