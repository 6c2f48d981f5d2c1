"""The question asked before quitting while the disk still refuses what was typed last."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def quit_unsaved(parent: QWidget, problem: str) -> bool:
    """True: quit anyway (and lose the latest typing); False: keep Keystroke open."""
    box = QMessageBox(QMessageBox.Icon.Warning, "Keystroke has unsaved work",
                      f"Your latest typing is not saved yet: {problem}\n\nKeep Keystroke "
                      "open, fix the disk and it is saved at once; quitting now loses it.",
                      parent=parent)
    keep = box.addButton("Keep Keystroke Open", QMessageBox.ButtonRole.RejectRole)
    box.addButton("Quit Anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(keep)
    box.exec()
    return box.clickedButton() is not keep
