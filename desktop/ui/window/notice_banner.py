"""The banner under the prompt: what the user should read now — an error with what to do,
or a note (a fallback was used, a project was recovered). Selectable, so it can be copied."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

ERROR_STYLE = ("background:#fdecea;color:#8a1f11;padding:8px;border:1px solid #f5c2bd;"
               "border-radius:4px")
INFO_STYLE = ("background:#e8f1fd;color:#0b3c7a;padding:8px;border:1px solid #b9d3f5;"
              "border-radius:4px")


class NoticeBanner(QLabel):
    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._lasting = False
        self.hide()

    def show_notice(self, message: str, error: bool = True, lasting: bool = False) -> None:
        """Show `message` ("" hides the banner). A `lasting` one (the disk refuses to save,
        a setting was wrong) stays when things merely go well again (`hide_passing`)."""
        self._lasting = lasting
        if not message:
            self.hide()
            return
        self.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self.setText(message)
        self.show()

    def hide_passing(self) -> None:
        """A model is ready, a reply arrived: what went wrong before has passed, unless it
        is something only the user (or the disk) can fix."""
        if not self._lasting:
            self.hide()
