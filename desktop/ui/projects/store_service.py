"""The store on a thread of its own, so the GUI never waits on the disk.

Calls run in order on one thread that owns the SQLite connection; results come back to
the GUI thread as callbacks through a queued signal.

A disk problem (full, read-only, locked) never drops a write: the call that failed stays at
the head of the queue and is tried again every RETRY_S, later calls wait behind it in
order, `failed` says what is wrong and `recovered` says when everything is saved again. A
bug in a call drops only that call, and says so. The thread starts with `start()`, once
the window listens, so a failure at the very first open is never emitted to nobody."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from desktop.core.store import Store, StoreError

log = logging.getLogger(__name__)

RETRY_S = 2.0


class StoreService(QObject):
    failed = Signal(str)
    recovered = Signal()  # a disk problem went away and every held write is saved
    _delivered = Signal(object, object)  # callback, result

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._calls: queue.Queue[tuple[Callable[[Store], Any], Callable | None] | None] = (
            queue.Queue())
        self._closing = threading.Event()
        self.holding = ""  # the disk problem that holds a write back now, or ""
        self._delivered.connect(lambda callback, result: callback(result))
        self._thread = threading.Thread(target=self._serve, name="store", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def call(self, work: Callable[[Store], Any], done: Callable[[Any], None] | None = None
             ) -> None:
        self._calls.put((work, done))

    def close(self) -> None:
        """Finish every queued write (a held one gets one last try), then close."""
        if self._thread.is_alive():
            self._closing.set()
            self._calls.put(None)
            self._thread.join(timeout=30)

    def _serve(self) -> None:
        store: Store | None = None
        problem = ""
        gave_up = False  # quitting, and the disk refused the last try: skip the rest
        while (item := self._calls.get()) is not None:
            work, done = item
            while not gave_up:
                try:
                    store = store or Store(self._path)
                    result = work(store)
                except StoreError as exc:
                    if exc.kind == "disk" and not self._closing.is_set():
                        if str(exc) != problem:  # said once, not at every retry
                            problem = self.holding = str(exc)
                            self.failed.emit(problem)
                        self._closing.wait(RETRY_S)
                        continue
                    gave_up = exc.kind == "disk"
                    self.failed.emit(str(exc))
                except Exception as exc:
                    log.exception("store call failed")
                    self.failed.emit(f"A bug in Keystroke while saving ({exc}); what you see "
                                     "in the window is still there.")
                else:
                    if done is not None:
                        self._delivered.emit(done, result)
                    if problem and self._calls.empty():  # after the callback, in order
                        problem = self.holding = ""
                        self.recovered.emit()
                break
        if store is not None:
            store.close()
