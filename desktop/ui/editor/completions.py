"""Asks for a completion after a pause in typing in the code editor, and shows it as ghost
text if it still fits when it arrives.

Every edit cancels the completion in flight at once (its cancel event; the local model
checks it between tokens and between prompt batches) and starts the pause again. A reply
is shown only for the exact text and cursor it was asked for, never while a generation
streams into the editor. Completions run on a small pool of their own: one that waits for
the model (a draft goes first) must not hold up the app's other background work.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from desktop.core.completion.fim import (
    Completion,
    CompletionUnavailable,
    FimRequest,
    request_at,
    worth_completing,
)
from desktop.core.completion.sources import Completer, open_completer
from desktop.core.providers.base import Provider
from desktop.core.providers.llama_local import LlamaProvider
from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.editor.qt_positions import char_offset
from desktop.ui.workers import BackgroundJob, message_of, run_in_background

log = logging.getLogger(__name__)


class EditorCompletions(QObject):
    availability = Signal(str, str)  # short status-bar text, the reason in full
    shown = Signal(object)  # the Completion now on show as ghost text

    def __init__(self, editor: CodeEditor, settings: Settings, busy: Callable[[], bool],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.editor, self.settings, self._busy = editor, settings, busy
        self.completer: Completer | None = None
        self._in_flight: list[threading.Event] = []  # the warm-up and the completion
        self._serial = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._pause = QTimer(self, singleShot=True)
        self._pause.timeout.connect(self._ask)
        editor.edited_by_user.connect(self._edited)

    def reopen(self, local: Provider | None, gate: LocalGate) -> None:
        """Make the completer the settings ask for (off the GUI thread: it reads the model
        catalog). `local` is the fast local model, whose file the local completer opens a
        context of its own on."""
        settings = self.settings
        self.use(None)
        self.availability.emit("Completions: starting…", "")
        model = local if isinstance(local, LlamaProvider) else None

        def work(_emit) -> Completer:
            return open_completer(settings, model.model_path if model else None,
                                  model.model_name if model else "", gate)

        run_in_background(self, work, self.use, lambda error: self.use(None, message_of(error)))

    def use(self, completer: Completer | None, why_not: str = "") -> None:
        """Complete with this from now on (None: off, for the reason given). The one it
        replaces is closed off the GUI thread (closing waits for its model thread)."""
        self._drop_in_flight()
        self.editor.ghost.clear()
        old, self.completer = self.completer, completer
        if old is not None:
            run_in_background(self, lambda _emit: old.close(), lambda _r: None,
                              lambda error: log.warning("closing a completer: %s", error))
        if completer is not None:
            self.availability.emit(f"Completions: {completer.model_name}",
                                   "Ghost text after a pause in the code editor: Tab takes it, "
                                   "Ctrl+Right takes a word, Esc dismisses it.")
        else:
            self.availability.emit("Completions off" if not self.settings.completions
                                   else "Completions unavailable", why_not)

    def _edited(self) -> None:
        self._drop_in_flight()
        if self.editor.ghost.active:  # a typed character that matched keeps the rest
            return
        self._pause.start(max(0, self.settings.completion_delay_ms))
        if self.completer is not None and (request := self._request_here()) is not None:
            # The model starts reading the prompt now; the pause only decides whether to
            # ask it to write (the next key cancels this).
            self._in_flight.append(request.cancel)
            self.completer.warm(request)

    def _request_here(self) -> FimRequest | None:
        """The completion request for the cursor, if one is worth asking for there."""
        editor = self.editor
        cursor = editor.textCursor()
        if cursor.hasSelection() or not editor.hasFocus() or self._busy():
            return None
        code = editor.toPlainText()
        at = char_offset(code, cursor.position())
        return request_at(code, at) if worth_completing(code, at) else None

    def _drop_in_flight(self) -> None:
        self._serial += 1
        self._pause.stop()
        for cancel in self._in_flight:
            cancel.set()
        self._in_flight.clear()

    def _ask(self) -> None:
        editor, completer = self.editor, self.completer
        request = self._request_here() if completer is not None else None
        if request is None:
            return
        self._in_flight.append(request.cancel)  # the warm-up for this text carries on
        asked = (self._serial, editor.textCursor().position(), editor.document().revision())
        job = BackgroundJob(lambda _emit: completer.complete(request), self)
        job.succeeded.connect(lambda completion: self._arrived(completion, asked))
        job.failed.connect(self._failed)
        job.start(self._pool)

    def _arrived(self, completion: Completion, asked: tuple[int, int, int]) -> None:
        serial, position, revision = asked
        if serial != self._serial or completion.cancelled or not completion.text:
            return
        if self._busy() or self.editor.document().revision() != revision:
            return  # a generation streamed into the editor meanwhile: not for this text
        self.editor.show_ghost(completion.text, position)
        if self.editor.ghost.active:
            self.shown.emit(completion)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, CompletionUnavailable):
            self.availability.emit("Completions unavailable", message_of(error))
        else:
            log.warning("completion failed: %s", message_of(error))
            self.availability.emit("Completions failed", message_of(error))

    def shutdown(self) -> None:
        """At exit: stop asking, and close the completer (that waits for its thread)."""
        completer, self.completer = self.completer, None
        self._drop_in_flight()
        self._pool.waitForDone(2000)
        if completer is not None:
            completer.close()
