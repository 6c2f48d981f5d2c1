"""The bar that appears from the tenth turn of a thread."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from desktop.core.projects.history import LONG_THREAD_TURNS


class ThreadReminder(QFrame):
    fresh_requested = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setStyleSheet("QFrame{background:#fff8e1;border:1px solid #f3d98b;"
                           "border-radius:4px}QLabel{border:none;color:#5d4500}")
        label = QLabel(f"This thread has {LONG_THREAD_TURNS} or more turns. Long threads get "
                       "worse and cost more: start a fresh one from the current version?")
        label.setWordWrap(True)
        button = QPushButton("Start a fresh thread")
        button.clicked.connect(self.fresh_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(label, 1)
        layout.addWidget(button)
