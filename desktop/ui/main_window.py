"""The Keystroke window: the prompt on top, the code and the live preview side by side."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.generation import GenerationResult
from desktop.core.local_model import open_local_provider
from desktop.core.providers.base import Provider
from desktop.core.settings import Settings
from desktop.ui.code_editor import CodeEditor
from desktop.ui.generation_controller import GenerationController
from desktop.ui.preview import PreviewView
from desktop.ui.prompt_box import PromptBox
from desktop.ui.workers import BackgroundJob

HAND_EDIT_DELAY_MS = 150
WELCOME_PAGE = """<!DOCTYPE html><html><head><style>
body{font-family:system-ui,sans-serif;color:#556;display:grid;place-items:center;height:90vh}
div{text-align:center}h1{font-weight:600;color:#334}</style></head><body><div>
<h1>Your app appears here</h1><p>Type what you want above, e.g.
<em>a pomodoro timer with a start button</em>.</p></div></body></html>"""


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, model_override: str = "",
                 provider: Provider | None = None, autoload: bool = True) -> None:
        """With `provider` given (tests) or `autoload` off (a snapshot of a file), no local
        model is loaded."""
        super().__init__()
        self.settings = settings
        self.model_override = model_override
        self.setWindowTitle("Keystroke")
        self.resize(1280, 800)
        self.controller = GenerationController(settings, self)
        self._jobs: set[BackgroundJob] = set()
        self._metrics: list[str] = []
        self._latency = ""
        self._build_widgets()
        self._build_menus()
        self._connect()
        self.preview.show_html(WELCOME_PAGE)
        if provider is not None:
            self._provider_ready(provider)
        elif autoload:
            self.load_model()
        else:
            self.state_label.setText("No model loaded")

    # -- layout -------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.prompt = PromptBox()
        self.editor = CodeEditor()
        self.preview = PreviewView()
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setStyleSheet("background:#fdecea;color:#8a1f11;padding:8px;"
                                  "border:1px solid #f5c2bd;border-radius:4px")
        self.banner.hide()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.editor)
        split.addWidget(self.preview)
        split.setSizes([520, 760])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.prompt)
        layout.addWidget(self.banner)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self.model_label = QLabel("No model")
        self.state_label = QLabel("Starting…")
        self.metrics_label = QLabel("")
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        bar = self.statusBar()
        bar.addWidget(self.model_label)
        bar.addWidget(self.state_label, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.metrics_label)
        self._hand_edit_timer = QTimer(self, singleShot=True, interval=HAND_EDIT_DELAY_MS)
        self._hand_edit_timer.timeout.connect(self._apply_hand_edit)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New App", self.new_app, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Open HTML…", self.open_html, QKeySequence.StandardKey.Open)
        self._action(file_menu, "&Save HTML As…", self.save_html, QKeySequence.StandardKey.Save)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        model_menu = self.menuBar().addMenu("&Model")
        self._action(model_menu, "Use &GGUF File…", self.choose_gguf)
        self._action(model_menu, "Use the &Default Model", self.use_default_model)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        c = self.controller
        self.prompt.instruction_changed.connect(c.prompt_changed)
        self.prompt.commit_requested.connect(c.commit)
        self.prompt.cancel_requested.connect(c.cancel_and_restore)
        self.editor.edited_by_user.connect(self._hand_edit_timer.start)
        self.preview.page_shown.connect(
            lambda tag, _ms: c.preview_shown(tag) if isinstance(tag, int) else None)
        c.code_shown.connect(self._show_code)
        c.state_changed.connect(self.state_label.setText)
        c.notice.connect(self.show_notice)
        c.result_ready.connect(self._show_metrics)
        c.latency_measured.connect(self._show_latency)
        c.committed.connect(self._on_committed)

    # -- model ---------------------------------------------------------------------------

    def load_model(self) -> None:
        """Find, assemble and load the local model off the GUI thread, with progress."""
        old = self.controller.provider
        self.controller.set_provider(None)
        self.model_label.setText("Local model")
        self.state_label.setText("Preparing the local model…")
        self.progress.setRange(0, 0)
        self.progress.show()
        settings, override = self.settings, self.model_override

        def work(emit):
            if old is not None:
                old.close()
            return open_local_provider(
                settings, override, progress=lambda done, total: emit((done, total)),
                status=lambda text: emit(text))

        job = self._run(work, self._provider_ready, self._model_failed)
        job.progressed.connect(self._model_progress)

    def _model_progress(self, update) -> None:
        if isinstance(update, str):
            self.state_label.setText(update)
            self.progress.setRange(0, 0)
            return
        done, total = update
        self.progress.setRange(0, 1000)
        self.progress.setValue(int(1000 * done / max(total, 1)))
        self.state_label.setText(f"Preparing the local model (first run only): "
                                 f"{done / 1e6:,.0f} of {total / 1e6:,.0f} MB")

    def _provider_ready(self, provider: Provider) -> None:
        self.progress.hide()
        self.banner.hide()
        self.model_label.setText(f"Model: {provider.model_name}")
        self.state_label.setText("Ready — type what you want")
        self.controller.set_provider(provider)

    def _model_failed(self, message: str) -> None:
        self.progress.hide()
        self.model_label.setText("No model")
        self.state_label.setText("The local model could not start")
        self.show_notice(message)

    def choose_gguf(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Use a GGUF model file", str(Path.home()),
                                              "GGUF models (*.gguf);;All files (*)")
        if path:
            self.settings.model_path = path
            self.model_override = ""
            self._save_settings()
            self.load_model()

    def use_default_model(self) -> None:
        self.settings.model_path = ""
        self.settings.model_id = ""
        self.model_override = ""
        self._save_settings()
        self.load_model()

    # -- code and preview -------------------------------------------------------------------

    def _show_code(self, code: str, _final: bool, tag: int) -> None:
        self.editor.set_code_quietly(code)
        self.preview.show_html(code, tag)

    def _apply_hand_edit(self) -> None:
        code = self.editor.toPlainText()
        self.controller.code_edited_by_hand(code)
        self.preview.show_html(code)
        self.state_label.setText("Edited by hand — the preview follows your code")

    def _on_committed(self, instruction: str, _code: str) -> None:
        self.prompt.clear_quietly()
        self.setWindowTitle(f"Keystroke — {instruction[:60]}")

    def show_notice(self, message: str) -> None:
        if message:
            self.banner.setText(message)
            self.banner.show()
        else:
            self.banner.hide()

    def _show_metrics(self, result: GenerationResult) -> None:
        if not (result.ok or result.error):
            return
        if result.ok and not result.message:
            self.banner.hide()
        self._metrics = []
        if result.from_cache:
            self._metrics.append("from cache: no model call")
        parts = self._metrics
        if result.ttft_ms is not None and not result.from_cache:
            parts.append(f"first token {result.ttft_ms:,.0f} ms")
        if result.tokens_per_second and not result.from_cache:
            parts.append(f"{result.tokens_per_second:.0f} tok/s")
        if not result.from_cache:
            parts.append(f"{result.tokens_out} tokens")
        self._render_metrics()

    def _show_latency(self, ms: float) -> None:
        self._latency = f"key→preview {ms:,.0f} ms"
        self._render_metrics()

    def _render_metrics(self) -> None:
        self.metrics_label.setText(" · ".join([*self._metrics, self._latency]).strip(" ·"))

    # -- files -------------------------------------------------------------------------------

    def new_app(self) -> None:
        self.controller.cancel_and_restore()
        self.prompt.clear_quietly()
        self.controller.code_edited_by_hand("")
        self.editor.set_code_quietly("")
        self.preview.show_html(WELCOME_PAGE)
        self.setWindowTitle("Keystroke")

    def open_html(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an HTML file", str(Path.home()),
                                              "HTML (*.html *.htm);;All files (*)")
        if path:
            self._run(lambda _emit: Path(path).read_text(encoding="utf-8", errors="replace"),
                      self._opened, self.show_notice)

    def _opened(self, code: str) -> None:
        self.controller.cancel_and_restore()
        self.prompt.clear_quietly()
        self.editor.set_code_quietly(code)
        self.controller.code_edited_by_hand(code)
        self.preview.show_html(code)

    def save_html(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the app as HTML",
                                              str(Path.home() / "app.html"), "HTML (*.html)")
        if path:
            code = self.editor.toPlainText()
            self._run(lambda _emit: Path(path).write_text(code, encoding="utf-8"),
                      lambda _r: self.state_label.setText(f"Saved {path}"),
                      lambda msg: self.show_notice(f"Could not save {path}: {msg}"))

    def _save_settings(self) -> None:
        settings = self.settings
        self._run(lambda _emit: settings.save(), lambda _r: None,
                  lambda msg: self.show_notice(f"Could not save the settings: {msg}"))

    # -- plumbing -----------------------------------------------------------------------------

    def _run(self, work, on_success, on_failure) -> BackgroundJob:
        job = BackgroundJob(work, self)
        self._jobs.add(job)
        job.succeeded.connect(on_success)
        job.failed.connect(on_failure)
        job.succeeded.connect(lambda _r: self._jobs.discard(job))
        job.failed.connect(lambda _m: self._jobs.discard(job))
        job.start()
        return job

    def closeEvent(self, event: QCloseEvent) -> None:
        self.controller.shutdown()
        provider = self.controller.provider
        if provider is not None:
            provider.close()
        super().closeEvent(event)
