"""The store on a thread of its own, so the GUI never waits on the disk.

Calls run in order on one thread that owns the SQLite connection; results come back to
the GUI thread as callbacks through a queued signal. A StoreError (full disk, locked
database…) is reported through `failed` and never loses what is still in the window."""

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


class StoreService(QObject):
    failed = Signal(str)
    _delivered = Signal(object, object)  # callback, result

    def __init__(self, path: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._calls: queue.Queue[tuple[Callable[[Store], Any], Callable | None] | None] = (
            queue.Queue())
        self._delivered.connect(lambda callback, result: callback(result))
        self._thread = threading.Thread(target=self._serve, name="store", daemon=True)
        self._thread.start()

    def call(self, work: Callable[[Store], Any], done: Callable[[Any], None] | None = None
             ) -> None:
        self._calls.put((work, done))

    def close(self) -> None:
        """Finish every queued write, then close the database."""
        if self._thread.is_alive():
            self._calls.put(None)
            self._thread.join(timeout=30)

    def _serve(self) -> None:
        try:
            store = Store(self._path)
        except StoreError as exc:
            self.failed.emit(str(exc))
            store = None
        while (item := self._calls.get()) is not None:
            work, done = item
            if store is None:
                continue
            try:
                result = work(store)
            except StoreError as exc:
                self.failed.emit(str(exc))
                continue
            except Exception as exc:
                log.exception("store call failed")
                self.failed.emit(f"A bug in Keystroke while saving ({exc}); what you see in "
                                 "the window is still there.")
                continue
            if done is not None:
                self._delivered.emit(done, result)
        if store is not None:
            store.close()
