"""The status bar: which model, what it is doing, why that model, and how fast it was."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar

from desktop.core.checking.self_test import SelfTest
from desktop.core.generation.generate import GenerationResult
from desktop.ui.preview.self_test import BADGES

ROUTE_WIDTH = 320  # pixels of the route reason shown; the whole of it is in the tooltip


class StatusBar(QStatusBar):
    def __init__(self) -> None:
        super().__init__()
        self.model_label = QLabel("No model")
        self.state_label = QLabel("Starting…")
        # A long line (a route reason, a finding) must not widen the window: the labels
        # take the room there is, and say the rest in their tooltip.
        self.state_label.setSizePolicy(QSizePolicy.Policy.Ignored,
                                       QSizePolicy.Policy.Preferred)
        self.metrics_label = QLabel("")
        self.route_label = QLabel("")
        self.route_label.setStyleSheet("color:#555")
        self.self_test_label = QLabel("")  # what trying the app out found
        self.completion_label = QLabel("")
        self.completion_label.setStyleSheet("color:#555")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.addWidget(self.model_label)
        self.addWidget(self.state_label, 1)
        self.addPermanentWidget(self.self_test_label)
        self.addPermanentWidget(self.route_label)
        self.addPermanentWidget(self.completion_label)
        self.addPermanentWidget(self.progress)
        self.addPermanentWidget(self.metrics_label)
        self._metrics: list[str] = []
        self._latency = ""

    def busy(self, text: str, done: int | None = None, total: int | None = None) -> None:
        """Show work under way: a moving bar, or a filling one when the size is known."""
        self.state_label.setText(text)
        if done is None or not total:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        self.progress.show()

    def idle(self, text: str) -> None:
        self.progress.hide()
        self.state_label.setText(text)

    def show_result(self, result: GenerationResult) -> None:
        if result.route_reason:
            self.show_route(result.route_reason)
        if not (result.ok or result.error):
            return
        if result.from_cache:
            self._metrics = ["from cache: no model call"]
        else:
            self._metrics = []
            if result.ttft_ms is not None:
                self._metrics.append(f"first token {result.ttft_ms:,.0f} ms")
            if result.tokens_per_second:
                self._metrics.append(f"{result.tokens_per_second:.0f} tok/s")
            self._metrics.append(f"{result.tokens_out} tokens")
        self._render()

    def show_route(self, reason: str) -> None:
        text = f"Route: {reason}" if reason else ""
        self.route_label.setText(self.route_label.fontMetrics().elidedText(
            text, Qt.TextElideMode.ElideRight, ROUTE_WIDTH))
        self.route_label.setToolTip(reason)

    def show_self_test(self, result: SelfTest) -> None:
        """The badge of the page on screen: works, N problems, throws; the tooltip lists
        what was found."""
        mark, colour = BADGES[result.health]
        self.self_test_label.setText(f"{mark} {result.badge}")
        self.self_test_label.setStyleSheet(f"color:{colour};font-weight:600")
        self.self_test_label.setToolTip(
            "\n".join(result.problems) or f"Tried {result.controls} controls: each did "
            "something, and nothing threw.")

    def show_completions(self, text: str, why: str) -> None:
        """Whether the editor suggests completions, and if not, why (in the tooltip)."""
        self.completion_label.setText(text)
        self.completion_label.setToolTip(why)

    def show_latency(self, ms: float) -> None:
        self._latency = f"key→preview {ms:,.0f} ms"
        self._render()

    def _render(self) -> None:
        self.metrics_label.setText(" · ".join([*self._metrics, self._latency]).strip(" ·"))
