"""View → Outbox: the emails the project's val sent with std/email, which Keystroke keeps
in the project's folder instead of sending (vals run offline)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QDialog, QListWidget, QPlainTextEdit, QSplitter, QVBoxLayout

from desktop.ui.workers import message_of, run_in_background


def read_outbox(folder: Path) -> list[dict]:
    """The emails, newest first; a file that is not valid JSON is shown as such."""
    emails = []
    for path in sorted(folder.glob("*.json"), reverse=True) if folder.is_dir() else []:
        try:
            emails.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError) as exc:
            emails.append({"subject": f"(unreadable: {path.name}: {exc})"})
    return emails


def describe(email: dict) -> str:
    lines = [f"{key}: {email[key]}" for key in ("to", "cc", "from", "subject") if key in email]
    return "\n".join(lines) + "\n\n" + str(email.get("text") or email.get("html") or "")


class OutboxDialog(QDialog):
    def __init__(self, folder: Path, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Outbox — emails the val sent (kept here, not sent)")
        self.resize(760, 480)
        self.emails: list[dict] = []
        self.list = QListWidget()
        self.body = QPlainTextEdit(readOnly=True)
        split = QSplitter()
        split.addWidget(self.list)
        split.addWidget(self.body)
        split.setSizes([260, 500])
        QVBoxLayout(self).addWidget(split)
        self.list.currentRowChanged.connect(self._show)
        self.list.addItem("Reading…")
        run_in_background(self, lambda _emit: read_outbox(folder), self._loaded,
                          self._unreadable)

    def _unreadable(self, error: Exception) -> None:
        self.list.clear()
        self.list.addItem(f"Could not read the outbox: {message_of(error)}")

    def _loaded(self, emails: list[dict]) -> None:
        self.emails = emails
        self.list.clear()
        for email in emails:
            self.list.addItem(str(email.get("subject") or "(no subject)"))
        if emails:
            self.list.setCurrentRow(0)
        else:
            self.list.addItem("No emails yet")

    def _show(self, row: int) -> None:
        if 0 <= row < len(self.emails):
            self.body.setPlainText(describe(self.emails[row]))
