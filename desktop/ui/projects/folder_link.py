"""The window's side of a followed folder: watchdog's thread speaks, the GUI thread hears."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core.projects.folder_sync import FolderSync


class FolderLink(QObject):
    changed = Signal(str)  # the app's code as another editor left it

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Emitted from watchdog's thread; Qt queues it to the GUI thread.
        self.sync = FolderSync(folder, self.changed.emit)

    @property
    def folder(self) -> Path:
        return self.sync.folder

    def close(self) -> None:
        self.sync.stop()
