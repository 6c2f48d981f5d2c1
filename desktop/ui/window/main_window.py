"""The Keystroke window: the prompt on top, the code and the live preview side by side."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QLabel,
    QMainWindow,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core import paths
from desktop.core.generation.fixing import FIX_PREFIX
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects.history import name_from_instruction
from desktop.core.local_models.loading import open_local_provider, wanted_model
from desktop.core.projects.naming import suggest_name
from desktop.core.providers.base import Provider
from desktop.core.routing.router import LABELS
from desktop.core.runtime.model_bridge import ModelBridge
from desktop.core.projects.session import UNTITLED, Session
from desktop.core.settings import Settings
from desktop.core.store.database import Version
from desktop.core.store.reports import spent_today
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.window.export_actions import ExportActions
from desktop.ui.projects.folder_link import FolderLink
from desktop.ui.generation.keystroke_loop import GenerationController
from desktop.ui.projects.history_panel import HistoryPanel, thumbnail_png, when
from desktop.ui.dialogs.model_manager import ModelManager
from desktop.ui.dialogs.outbox_dialog import OutboxDialog
from desktop.ui.preview.host import PreviewHost
from desktop.ui.projects.project_session import ProjectSession
from desktop.ui.projects.projects_dialog import ProjectsDialog
from desktop.ui.window.prompt_box import PromptBox
from desktop.ui.dialogs.settings_dialog import SettingsDialog
from desktop.ui.window.status_bar import StatusBar
from desktop.ui.projects.store_service import StoreService
from desktop.ui.window.thread_reminder import ThreadReminder
from desktop.ui.dialogs.usage_dialog import UsageDialog
from desktop.ui.workers import BackgroundJob

log = logging.getLogger(__name__)
HAND_EDIT_DELAY_MS = 150
STRONG_TIP = ("When on, Enter asks the strong tier ({strong}) for the version you keep; "
              "typing still previews with the fast tier. Ctrl+Enter does this once.")
THUMBNAIL_DELAY_MS = 500  # let the committed page paint before taking its picture
ERROR_STYLE = ("background:#fdecea;color:#8a1f11;padding:8px;border:1px solid #f5c2bd;"
               "border-radius:4px")
INFO_STYLE = ("background:#e8f1fd;color:#0b3c7a;padding:8px;border:1px solid #b9d3f5;"
              "border-radius:4px")
WELCOME_PAGE = """<!DOCTYPE html><html><head><style>
body{font-family:system-ui,sans-serif;color:#556;display:grid;place-items:center;height:90vh}
div{text-align:center}h1{font-weight:600;color:#334}</style></head><body><div>
<h1>Your app appears here</h1><p>Type what you want above, e.g.
<em>a pomodoro timer with a start button</em>.</p></div></body></html>"""


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, model_override: str = "",
                 provider: Provider | None = None, autoload: bool = True,
                 store_path: Path | None = None, strong_provider: Provider | None = None
                 ) -> None:
        """With `provider` given (tests) or `autoload` off (a snapshot of a file), no local
        model is loaded; `strong_provider` stands in for the local strong model (tests).
        `store_path` overrides the database (snapshots use a scratch one)."""
        super().__init__()
        self.settings = settings
        self.model_override = model_override
        self.setWindowTitle("Keystroke")
        self.resize(1400, 820)
        self.controller = GenerationController(settings, self, strong_provider)
        self.store = StoreService(store_path, self)
        self.session = ProjectSession(self.store, self)
        self.exports = ExportActions(self, settings, self.store,
                                     lambda message, error: self.show_notice(message, error))
        self._jobs: set[BackgroundJob] = set()
        self._naming_cancel = threading.Event()
        self.folder_link: FolderLink | None = None
        self._provisional_names: dict[int, str] = {}  # project id → name from an instruction
        self._build_widgets()
        self._build_menus()
        self._connect()
        self.host.load(WELCOME_PAGE, fixable=False)
        self.prompt.setReadOnly(True)  # until the project (and its draft) has loaded
        self.session.open(at_start=True)
        self.refresh_providers()
        self._update_spend()
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
        # A val's std/openai is answered by the fast tier (the local model when offline).
        self.model_bridge = ModelBridge(
            lambda: self.controller.pool.get(self.controller.router.fast_tier()[0]))
        self.host = PreviewHost(self.settings, self.model_bridge.url, self.val_sandbox, self)
        self.preview, self.error_bar = self.host.preview, self.host.error_bar
        self.val_preview = self.host.val_preview
        self.banner = QLabel()
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.setStyleSheet(ERROR_STYLE)
        self.banner.hide()
        self.thread_bar = ThreadReminder()
        self.thread_bar.hide()
        self.history = HistoryPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.history)
        split.addWidget(self.editor)
        split.addWidget(self.host.widget)
        split.setSizes([230, 500, 670])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addWidget(self.prompt)
        layout.addWidget(self.banner)
        layout.addWidget(self.thread_bar)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)

        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.model_label = self.status.model_label
        self.state_label = self.status.state_label
        self.metrics_label = self.status.metrics_label
        self._thumbnail_timer = QTimer(self, singleShot=True, interval=THUMBNAIL_DELAY_MS)
        self._thumbnail_timer.timeout.connect(self._take_thumbnail)
        self._thumbnail_for: int | None = None
        self._hand_edit_timer = QTimer(self, singleShot=True, interval=HAND_EDIT_DELAY_MS)
        self._hand_edit_timer.timeout.connect(self._apply_hand_edit)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New Project", self.new_project, QKeySequence.StandardKey.New)
        self._action(file_menu, "&Projects…", self.show_projects, "Ctrl+Shift+O")
        self._action(file_menu, "&Open HTML…", self.open_html, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open &Folder (follow its changes)…", self.open_folder)
        self._action(file_menu, "&Save HTML As…", self.save_html, QKeySequence.StandardKey.Save)
        self._action(file_menu, "Export to &Val Town…", self.export_to_valtown)
        self._action(file_menu, "Export to a Fol&der…", self.export_to_folder)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        self._action(edit_menu, "&Previous Version", self.previous_version, "Ctrl+Alt+Z")
        self._action(edit_menu, "&Next Version", self.next_version, "Ctrl+Alt+Shift+Z")
        self._action(edit_menu, "Start a &Fresh Thread", self.session.fresh_thread)
        view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Usage and Cost…", self.show_usage)
        self._action(view_menu, "&Outbox…", self.show_outbox)
        model_menu = self.menuBar().addMenu("&Model")
        self._action(model_menu, "&Providers and Keys…", self.show_settings, "Ctrl+,")
        self._action(model_menu, "Manage &Models…", self.show_models)
        self._action(model_menu, "Use &GGUF File…", self.choose_gguf)
        self._action(model_menu, "Use the &Default Model", self.use_default_model)
        toolbar = QToolBar("Model")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.strong_toggle = QAction("Strong model on Enter", self, checkable=True)
        self.strong_toggle.toggled.connect(self._strong_toggled)
        toolbar.addAction(self.strong_toggle)
        settings_action = QAction("Providers…", self)
        settings_action.triggered.connect(self.show_settings)
        toolbar.addAction(settings_action)

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
        self.prompt.instruction_changed.connect(self.host.disarm_auto_fix)
        self.prompt.commit_requested.connect(c.commit)
        self.prompt.strong_commit_requested.connect(lambda: c.commit(strong=True))
        c.route_chosen.connect(self.status.show_route)
        c.route_chosen.connect(lambda _reason: self._naming_cancel.set())
        c.reply_received.connect(self._record_reply)
        self.preview.error_logged.connect(
            lambda message: c.page_error(message) if message.startswith("Uncaught") else None)
        self.prompt.cancel_requested.connect(c.cancel_and_restore)
        self.editor.edited_by_user.connect(self._hand_edit_timer.start)
        self.preview.page_shown.connect(
            lambda tag, _ms: c.preview_shown(tag) if isinstance(tag, int) else None)
        self.host.fix_requested.connect(
            lambda errors, strong, picture: c.fix(errors, strong, picture))
        self.host.state.connect(self.state_label.setText)
        c.code_shown.connect(self._show_code)
        c.state_changed.connect(self.state_label.setText)
        c.notice.connect(self.show_notice)
        c.result_ready.connect(self._on_result)
        c.latency_measured.connect(self.status.show_latency)
        c.committed.connect(self._on_committed)
        self.prompt.instruction_changed.connect(self._autosave)
        s = self.session
        s.opened.connect(self._on_session_opened)
        s.version_added.connect(self._on_version_added)
        s.restored.connect(self._on_restored)
        s.renamed.connect(lambda name: self.setWindowTitle(f"Keystroke — {name}"))
        s.long_thread.connect(self.thread_bar.setVisible)
        self.store.failed.connect(self._store_failed)
        self.thread_bar.fresh_requested.connect(s.fresh_thread)
        h = self.history
        h.version_selected.connect(self._preview_version)
        h.restore_requested.connect(s.restore)
        h.fork_requested.connect(s.fork)

    # -- model ---------------------------------------------------------------------------

    def refresh_providers(self) -> None:
        """Look up which cloud providers have keys (the keyring may be slow: off the GUI
        thread), then route with what is there."""
        self._run(lambda _emit: self.controller.pool.available(), self._providers_found,
                  self.show_notice)

    def _providers_found(self, available: frozenset[str]) -> None:
        self.controller.set_available(available)
        self._show_model_label()
        strong = self._strong_name()
        self.strong_toggle.setEnabled(bool(strong))
        if not strong:
            self.strong_toggle.setChecked(False)
        self.strong_toggle.setToolTip(
            STRONG_TIP.format(strong=strong) if strong else
            "Set an Anthropic key in Model → Providers and Keys…, or install a local strong "
            "model (Model → Manage Models…).")

    def _strong_name(self) -> str:
        """What answers when Enter escalates now ("" when nothing stronger is set up)."""
        available = self.controller.router.available
        if "anthropic" in available:
            return f"Claude {self.settings.anthropic_model}"
        if "local-strong" in available:
            return f"{Path(wanted_model(self.settings, 'strong')).name}, local"
        return ""

    def _show_model_label(self) -> None:
        fast, _why = self.controller.router.fast_tier()
        local = self.controller.local
        if fast == "local":
            text = f"Model: {local.model_name}" if local else "Local model"
        else:
            model = getattr(self.settings, f"{fast}_model")
            text = f"Fast: {LABELS[fast]} {model}"
        if strong := self._strong_name():
            text += f" · Strong: {strong}"
        self.model_label.setText(text)

    def show_settings(self) -> None:
        dialog = SettingsDialog(self.settings, self)
        dialog.saved.connect(self._settings_saved)
        dialog.open()

    def show_models(self) -> ModelManager:
        dialog = ModelManager(self.settings, self.controller.gate, self)
        dialog.tier_changed.connect(self._model_tier_changed)
        dialog.open()
        return dialog

    def _model_tier_changed(self, tier: str) -> None:
        """The model manager gave a tier another model (or other threads or context)."""
        if tier == "fast":
            self.model_override = ""
            self.load_model()
            return
        old = self.controller.pool.take("local-strong")  # loads again on the next escalation
        if old is not None:
            self._run(lambda _emit: old.close(), lambda _r: None, self.show_notice)
        self.refresh_providers()

    def _settings_saved(self) -> None:
        self.controller.breaker.reset()  # new keys or URLs deserve a fresh chance
        self.refresh_providers()
        self.state_label.setText("Settings saved")

    def _strong_toggled(self, on: bool) -> None:
        self.controller.want_strong = on
        self.status.show_route(f"{self._strong_name()} answers on Enter" if on else "")

    def load_model(self) -> None:
        """Find, assemble and load the local model off the GUI thread, with progress."""
        old = self.controller.local
        self.controller.set_local(None)
        self.model_label.setText("Local model")
        self.status.busy("Preparing the local model…")
        settings, override = self.settings, self.model_override

        def work(emit):
            if old is not None:
                old.close()
            return open_local_provider(
                settings, override, progress=lambda done, total: emit((done, total)),
                status=lambda text: emit(text), gate=self.controller.gate)

        job = self._run(work, self._provider_ready, self._model_failed)
        job.progressed.connect(self._model_progress)

    def _model_progress(self, update) -> None:
        if isinstance(update, str):
            self.status.busy(update)
            return
        done, total = update
        self.status.busy(f"Preparing the local model (first run only): {done / 1e6:,.0f} of "
                         f"{total / 1e6:,.0f} MB", done, total)

    def _provider_ready(self, provider: Provider) -> None:
        self.banner.hide()
        self.status.idle("Ready — type what you want")
        self.controller.set_local(provider)
        self._show_model_label()

    def _model_failed(self, message: str) -> None:
        self.model_label.setText("No model")
        self.status.idle("The local model could not start")
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

    def _show_code(self, code: str, final: bool, tag: int) -> None:
        self.editor.set_code_quietly(code)
        if final:
            self.host.load(code, tag)  # the finished page, with its scripts running
        elif self.controller.streaming_kind == "page":
            self.preview.patch_html(code, tag)
        # a val streams into the editor only; it runs once it is whole

    def val_sandbox(self) -> Path:
        """The project's own folder for its val's data (sqlite, blobs, outbox)."""
        project = self.session.project
        return paths.data_home() / "vals" / f"project-{project.id if project else 0}"

    def _apply_hand_edit(self) -> None:
        self.host.disarm_auto_fix()  # the person is fixing it
        code = self.editor.toPlainText()
        self._save_to_folder(code)
        self.controller.code_edited_by_hand(code)
        self.host.load(code)
        self._autosave()
        self.state_label.setText("Edited by hand — the preview follows your code")

    def _on_committed(self, instruction: str, result: GenerationResult, base: str) -> None:
        self.prompt.clear_quietly()
        self.host.commit_made(a_fix=instruction.startswith(FIX_PREFIX))
        project = self.session.project
        if project is not None and project.name == UNTITLED:
            # The session names it from this instruction; the model may find a better name.
            self._provisional_names[project.id] = name_from_instruction(instruction)
        self.session.commit(instruction, result, base)
        self.session.text_changed("", result.code or "")
        self._save_to_folder(result.code or "")
        self._update_spend()
        if project is not None and project.id in self._provisional_names:
            self._name_app(project.id, instruction, result.code or "")

    def _name_app(self, project_id: int, instruction: str, code: str) -> None:
        """A cheap fast model names the app (valid as a Val Town val name). Typing cancels
        it (the keystroke comes first) and the next commit tries again; the name made from
        the first instruction stays until a model name arrives, and a name the user gave
        is never replaced."""
        controller = self.controller
        fast = controller.router.fast_tier()[0]
        cancel = self._naming_cancel = threading.Event()  # the next keystroke comes first

        def work(_emit) -> str | None:
            return suggest_name(controller.pool.get(fast), instruction, code, cancel)

        def named(name: str | None) -> None:
            provisional = self._provisional_names.get(project_id)
            if name and provisional is not None:
                del self._provisional_names[project_id]
                self.session.rename_if(project_id, provisional, name)

        self._run(work, named, lambda msg: log.info("Could not name the app: %s", msg))

    def _record_reply(self, instruction: str, result: GenerationResult) -> None:
        self.session.record_draft(instruction, result)
        self._update_spend()

    def _update_spend(self) -> None:
        self.store.call(spent_today, lambda spent: setattr(self.controller, "spent_today_usd",
                                                          spent))

    def _on_result(self, result: GenerationResult) -> None:
        self.status.show_result(result)
        if result.ok and not result.message:
            self.banner.hide()


    def _autosave(self) -> None:
        """The prompt and the base code (hand edits included) reach the draft."""
        self.session.text_changed(self.prompt.toPlainText(), self.controller.base_code)

    # -- history ------------------------------------------------------------------------------

    def _on_session_opened(self, session: Session) -> None:
        self.setWindowTitle(f"Keystroke — {session.project.name}")
        self.history.show_versions(session.versions, session.thumbnails,
                                   session.current_version_id)
        self.controller.set_base(session.base_code)
        if not session.base_code:
            self.host.load(WELCOME_PAGE, fixable=False)
        instruction = session.draft.instruction if session.draft else ""
        self.prompt.set_text_quietly(instruction)
        self.controller.restore_instruction(instruction)
        self.prompt.setReadOnly(False)
        self.prompt.setFocus()
        if session.recovered:
            self.show_notice(session.recovered, error=False)

    def _store_failed(self, message: str) -> None:
        """Saving failed: say so, and keep the window usable (what is on screen stays)."""
        self.show_notice(message)
        self.prompt.setReadOnly(False)

    def _on_version_added(self, version: Version) -> None:
        self.history.add_version(version)
        self._thumbnail_for = version.id
        self._thumbnail_timer.start()

    def _take_thumbnail(self) -> None:
        """A small picture of the preview as it is now, for the history panel."""
        if self._thumbnail_for is None:
            return
        png = thumbnail_png(self.preview)
        self.history.set_thumbnail(self._thumbnail_for, png)
        self.session.save_thumbnail(self._thumbnail_for, png)
        self._thumbnail_for = None

    def _preview_version(self, version: Version) -> None:
        self.host.load(version.code, fixable=False)
        self.state_label.setText(f"Previewing the version from {when(version.created_at)} — "
                                 "Restore to work from it")

    def _on_restored(self, version: Version) -> None:
        self.controller.set_base(version.code)
        self.prompt.clear_quietly()
        self.history.mark_current(version.id)
        self.session.text_changed("", version.code)
        self.state_label.setText(f"Restored: {version.instruction}")

    def previous_version(self) -> None:
        if not self.session.undo():
            self.state_label.setText("This is the first version")

    def next_version(self) -> None:
        if not self.session.redo():
            self.state_label.setText("Nothing to redo")

    def new_project(self) -> None:
        self.store.call(lambda s: s.create_project(UNTITLED).id, self.session.open)

    def show_projects(self) -> None:
        dialog = ProjectsDialog(self.store, self)
        dialog.project_chosen.connect(self.session.open)
        dialog.project_deleted.connect(self._project_deleted)
        dialog.open()

    def _project_deleted(self, project_id: int) -> None:
        if self.session.project is not None and self.session.project.id == project_id:
            self.session.open()  # the newest remaining project, or a new one

    def show_outbox(self) -> None:
        OutboxDialog(self.val_sandbox() / "outbox", self).open()

    def show_usage(self) -> None:
        UsageDialog(self.store, self).open()

    def show_notice(self, message: str, error: bool = True) -> None:
        if not message:
            self.banner.hide()
            return
        self.banner.setStyleSheet(ERROR_STYLE if error else INFO_STYLE)
        self.banner.setText(message)
        self.banner.show()

    # -- files -------------------------------------------------------------------------------

    def open_html(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open an HTML file", str(Path.home()),
                                              "HTML (*.html *.htm);;All files (*)")
        if path:
            self._run(lambda _emit: Path(path).read_text(encoding="utf-8", errors="replace"),
                      self._opened, self.show_notice)

    def export_to_valtown(self) -> None:
        project = self.session.project
        if project is not None:
            self.exports.to_valtown(project.id, project.name, self.controller.base_code)

    def export_to_folder(self) -> None:
        if self.session.project is not None:
            self.exports.to_folder(self.session.project.id, self.controller.base_code)

    def open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Open a folder to follow",
                                                str(Path.home()))
        if path:
            self.follow_folder(Path(path))

    def follow_folder(self, folder: Path) -> None:
        """Make the app the folder's app: its code shows here, edits made there by another
        editor show here within moments (and become versions), and what is kept here is
        written there."""
        self._unfollow()
        link = FolderLink(folder, self)

        def started(code: str) -> None:
            self.folder_link = link
            link.changed.connect(lambda changed: self._take_outside_code(
                changed, "(changed in another editor)"))
            if code.strip():
                self._take_outside_code(code, f"(opened from {folder.name}/)")
            else:
                self._save_to_folder(self.controller.base_code)
            self.state_label.setText(f"Following {link.sync.entry} — edits there show here")

        self._run(lambda _emit: link.sync.start(), started, self.show_notice)

    def _take_outside_code(self, code: str, note: str) -> None:
        self.prompt.clear_quietly()
        self.controller.set_base(code)
        self.session.record_outside_change(code, note)
        self.session.text_changed("", code)

    def _save_to_folder(self, code: str) -> None:
        link = self.folder_link
        if link is not None and code.strip():
            self._run(lambda _emit: link.sync.save(code), lambda _r: None,
                      lambda msg: self.show_notice(f"Could not write to {link.folder}: {msg}"))

    def _unfollow(self) -> None:
        if self.folder_link is not None:
            self.folder_link.close()
            self.folder_link.deleteLater()
            self.folder_link = None

    def _opened(self, code: str) -> None:
        self.prompt.clear_quietly()
        self.controller.set_base(code)
        self.session.text_changed("", code)

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
        self._autosave()
        self.session.close()  # writes what is pending, then marks a clean exit
        self.controller.pool.close()  # the local model and the cloud clients
        self.host.close()
        self.model_bridge.close()
        self._unfollow()
        super().closeEvent(event)
