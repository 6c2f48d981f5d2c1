"""One small helper for background work. The job runs on the thread pool and never touches
a widget; it talks back only through signals, which Qt delivers on the GUI thread. A failure
carries the exception itself (as Anki's QueryOp does), so a caller can tell a name clash
from a dead network by its type, never by its wording."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal

log = logging.getLogger(__name__)
Work = Callable[[Callable[[Any], None]], Any]


class BackgroundJob(QObject):
    """Run `work(emit)` off the GUI thread. `emit(x)` sends x as `progressed`; the return
    value arrives as `succeeded`, an exception as `failed`."""

    progressed = Signal(object)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work

    def start(self, pool: QThreadPool | None = None) -> None:
        # Connected last, so the job is deleted only after every other slot has had its
        # result; finished jobs then do not pile up as children of a long-lived parent.
        self.succeeded.connect(self.deleteLater)
        self.failed.connect(self.deleteLater)
        (pool or QThreadPool.globalInstance()).start(self._run)

    def _run(self) -> None:
        try:
            result = self._work(self._emit_progress)
        except Exception as exc:  # reported to the user, never lost in a thread
            log.debug("background job failed:\n%s", traceback.format_exc())
            self._deliver(self.failed, exc)
        else:
            self._deliver(self.succeeded, result)

    def _emit_progress(self, update: Any) -> None:
        self._deliver(self.progressed, update)

    @staticmethod
    def _deliver(signal: Any, value: Any) -> None:
        """Emit, unless the job was deleted with its parent (a window closed while the job
        ran): then nobody is left to tell."""
        try:
            signal.emit(value)
        except RuntimeError:
            log.debug("background job outlived its window; result dropped")


def run_in_background(parent: QObject, work: Work, on_success: Callable[[Any], None],
                      on_failure: Callable[[Exception], None]) -> BackgroundJob:
    """Start `work` off the GUI thread; one of the two callbacks runs on the GUI thread."""
    job = BackgroundJob(work, parent)
    job.succeeded.connect(on_success)
    job.failed.connect(on_failure)
    job.start()
    return job


def message_of(error: BaseException) -> str:
    """What to tell the user about a failure: the exception's own message."""
    return str(error) or type(error).__name__
