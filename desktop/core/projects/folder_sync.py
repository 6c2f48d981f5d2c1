"""A project that lives in a folder other editors can change (VS Code, Cursor, `vt`).

The folder holds the app as `vt` lays it out: `main.http.ts` (a val, or a page served by
one) or `index.html`. A watchdog observer reports changes to that file; a burst of events
becomes one change after a short quiet time, and a change that only echoes the app's own
last save is ignored (by content, so timestamps and editors' double writes do not matter).
"""

from __future__ import annotations

import errno
import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

QUIET_S = 0.08  # events closer than this are one change (editors write in bursts)
ENTRY_FILES = ("main.http.ts", "index.html")


class FolderError(Exception):
    """The folder cannot be followed; the message says what to do."""


def entry_file(folder: Path) -> Path:
    """The file in the folder that is the app (an empty folder gets index.html)."""
    for name in ENTRY_FILES:
        if (folder / name).exists():
            return folder / name
    return folder / "index.html"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class FolderSync:
    """`on_change(code)` runs on the watchdog thread with the file's new text."""

    def __init__(self, folder: Path, on_change: Callable[[str], None]) -> None:
        self.folder = folder
        self.entry = entry_file(folder)
        self._on_change = on_change
        self._own = ""  # digest of what this app last wrote or read
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._observer = Observer()

    def start(self) -> str:
        """Start following the folder; returns the app's code as it is now."""
        code = self.entry.read_text(encoding="utf-8") if self.entry.exists() else ""
        self._own = _digest(code)
        handler = FileSystemEventHandler()
        handler.on_any_event = self._event  # type: ignore[method-assign]
        self._observer.schedule(handler, str(self.folder), recursive=False)
        try:
            self._observer.start()
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EMFILE):
                raise FolderError(
                    "The system's limit on watched files is reached, so Keystroke cannot "
                    "follow this folder. Raise it: sudo sysctl fs.inotify.max_user_watches="
                    "524288 (and fs.inotify.max_user_instances=512), then open it again."
                ) from None
            raise FolderError(f"Cannot watch {self.folder}: {exc}") from None
        return code

    def save(self, code: str) -> None:
        """Write the app's code; the change this causes is not reported back."""
        with self._lock:
            self._own = _digest(code)
        tmp = self.entry.with_name(self.entry.name + ".keystroke-tmp")
        tmp.write_text(code, encoding="utf-8")
        tmp.replace(self.entry)

    def _event(self, event: FileSystemEvent) -> None:
        paths = {str(event.src_path), str(getattr(event, "dest_path", "") or "")}
        if str(self.entry) not in paths:
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(QUIET_S, self._settled)
            self._timer.daemon = True
            self._timer.start()

    def _settled(self) -> None:
        try:
            code = self.entry.read_text(encoding="utf-8")
        except OSError:
            return  # deleted or mid-rename: the next event brings the file back
        with self._lock:
            if _digest(code) == self._own:
                return
            self._own = _digest(code)
        self._on_change(code)

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        if self._observer.is_alive():
            self._observer.stop()
            self._observer.join(timeout=5)
