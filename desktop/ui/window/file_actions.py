"""File → Open HTML, Save HTML As and Open Folder: code that comes from or goes to files,
and a followed folder whose changes by another editor show here (and become versions).
The disk is used off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.ui.projects.folder_link import FolderLink
from desktop.ui.workers import message_of, run_in_background


class FileActions(QObject):
    code_opened = Signal(str, str)  # code, a note for the history ("" for a plain file)
    status = Signal(str)

    def __init__(self, window: QWidget, notify: Callable[[str, bool], None]) -> None:
        super().__init__(window)
        self.window, self.notify = window, notify
        self.folder_link: FolderLink | None = None

    def open_html(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open an HTML file",
                                              str(Path.home()),
                                              "HTML (*.html *.htm);;All files (*)")
        if path:
            run_in_background(
                self, lambda _emit: Path(path).read_text(encoding="utf-8", errors="replace"),
                lambda code: self.code_opened.emit(code, ""), self._failed)

    def save_html(self, code: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save the app as HTML",
                                              str(Path.home() / "app.html"), "HTML (*.html)")
        if path:
            run_in_background(
                self, lambda _emit: Path(path).write_text(code, encoding="utf-8"),
                lambda _r: self.status.emit(f"Saved {path}"),
                lambda error: self.notify(f"Could not save {path}: {message_of(error)}", True))

    def open_folder(self, current_code: str) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Open a folder to follow",
                                                str(Path.home()))
        if path:
            self.follow_folder(Path(path), current_code)

    def follow_folder(self, folder: Path, current_code: str) -> None:
        """Make the app the folder's app: its code shows here, edits made there by another
        editor show here within moments, and what is kept here is written there."""
        self.unfollow()
        link = FolderLink(folder, self)

        def started(code: str) -> None:
            self.folder_link = link
            link.changed.connect(lambda changed: self.code_opened.emit(
                changed, "(changed in another editor)"))
            if code.strip():
                self.code_opened.emit(code, f"(opened from {folder.name}/)")
            else:
                self.save_to_folder(current_code)
            self.status.emit(f"Following {link.sync.entry} — edits there show here")

        run_in_background(self, lambda _emit: link.sync.start(), started, self._failed)

    def save_to_folder(self, code: str) -> None:
        """What is kept (or edited by hand) here is written to the followed folder."""
        link = self.folder_link
        if link is not None and code.strip():
            run_in_background(
                self, lambda _emit: link.sync.save(code), lambda _r: None,
                lambda error: self.notify(f"Could not write to {link.folder}: "
                                          f"{message_of(error)}", True))

    def unfollow(self) -> None:
        if self.folder_link is not None:
            self.folder_link.close()
            self.folder_link.deleteLater()
            self.folder_link = None

    def _failed(self, error: Exception) -> None:
        self.notify(message_of(error), True)
