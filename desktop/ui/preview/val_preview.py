"""The project's val, running under Deno for the preview.

Starting Deno takes a fraction of a second and must not block the window, so starts run on
a background thread, one at a time, newest wins. Server errors (a 500 with its stack, a
permission denied, a val that does not compile) come out as `server_error` signals.
"""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.runtime.val_server import ValServer
from desktop.ui.workers import message_of, run_in_background

POLL_MS = 250


class ValPreview(QObject):
    ready = Signal(str, object)  # the val's URL, the display tag it was started for
    server_error = Signal(str)

    def __init__(self, model_bridge_url: str = "", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge_url = model_bridge_url
        self._server: ValServer | None = None
        self._starts = itertools.count(1)
        self._latest = 0
        self._seen = 0
        self._start_lock = threading.Lock()
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._report_errors)

    def run(self, code: str, sandbox: Path, tag: object) -> None:
        """Serve this code (restarting the val if it runs), then emit `ready`."""
        number = self._latest = next(self._starts)
        if self._server is None or self._server.sandbox != sandbox:
            self.stop()
            self._server = ValServer(sandbox, self._bridge_url)
        server, lock = self._server, self._start_lock
        self._poll.stop()

        def work(_emit) -> str:
            with lock:  # one start at a time, in order
                return server.start(code)

        run_in_background(self, work, lambda url: self._started(number, url, tag),
                          lambda error: self._failed(number, message_of(error)))

    @property
    def server(self) -> ValServer | None:
        return self._server

    def _started(self, number: int, url: str, tag: object) -> None:
        if number != self._latest:
            return  # a newer version is starting
        self._seen = 0
        self._poll.start()
        self.ready.emit(url, tag)

    def _failed(self, number: int, message: str) -> None:
        if number == self._latest:
            self.server_error.emit(message)

    def _report_errors(self) -> None:
        server = self._server
        if server is None:
            return
        errors = list(server.errors)
        for error in errors[self._seen:]:
            where = next((line.strip() for line in error.stack.splitlines()
                          if "main.http.ts" in line), "")
            self.server_error.emit(f"Server: {error.message}" + (f" ({where})" if where else ""))
        self._seen = len(errors)
        if not server.running:
            self._poll.stop()
            self.server_error.emit(
                f"The val stopped: Deno exited ({server.exit_code}). The preview shows its last "
                "page; Fix it, or change the code, to start it again.")

    def stop(self) -> None:
        self._poll.stop()
        if self._server is not None:
            self._server.stop()


