"""The Keystroke window: the prompt on top, the history, the code and the live preview side
by side. Layout, menus and wiring only: what each part does lives in its own class."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QMainWindow,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core.generation.fixing import FIX_PREFIX
from desktop.core.generation.generate import GenerationResult
from desktop.core.generation.scoped import Scope
from desktop.core.projects import history
from desktop.core.projects.data_folder import project_key
from desktop.core.projects.session import Session
from desktop.core.providers.base import Provider, Usage
from desktop.core.routing.engine import Engine
from desktop.core.runtime.model_bridge import ModelBridge
from desktop.core.settings import Settings
from desktop.core.store.reports import spent_today
from desktop.ui.app import app_icon
from desktop.ui.debounce import Debounce
from desktop.ui.dialogs.outbox_dialog import OutboxDialog
from desktop.ui.dialogs.unsaved_dialog import quit_unsaved
from desktop.ui.dialogs.usage_dialog import UsageDialog
from desktop.ui.editor.code_editor import CodeEditor
from desktop.ui.editor.completions import EditorCompletions
from desktop.ui.editor.selection_rewrite import SelectionRewrite
from desktop.ui.generation.keystroke_loop import KeystrokeLoop
from desktop.ui.generation.state import LoopOptions
from desktop.ui.preview.host import PreviewHost
from desktop.ui.projects.history_panel import HistoryPanel
from desktop.ui.projects.project_session import ProjectSession
from desktop.ui.projects.store_service import StoreService
from desktop.ui.window.export_actions import ExportActions
from desktop.ui.window.file_actions import FileActions
from desktop.ui.window.model_actions import ModelActions
from desktop.ui.window.notice_banner import NoticeBanner
from desktop.ui.window.prompt_box import PromptBox
from desktop.ui.window.scope_actions import ScopeActions
from desktop.ui.window.status_bar import StatusBar
from desktop.ui.window.thread_reminder import ThreadReminder
from desktop.ui.window.version_actions import VersionActions

HAND_EDIT_DELAY_MS = 150
HAND_EDIT_MAX_WAIT_MS = 1000  # the preview follows a typist who never pauses, once a second


class MainWindow(QMainWindow):
    def __init__(self, settings: Settings, model_override: str = "",
                 provider: Provider | None = None, autoload: bool = True,
                 store_path: Path | None = None, strong_provider: Provider | None = None,
                 loop_options: LoopOptions | None = None) -> None:
        """With `provider` given (tests) or `autoload` off (a snapshot of a file), no local
        model is loaded; `strong_provider` stands in for the local strong model (tests).
        `store_path` overrides the database (snapshots use a scratch one); `loop_options`
        turn the keystroke loop's optimisations off (the latency benchmark's baseline)."""
        super().__init__()
        self.settings = settings
        self.setWindowTitle("Keystroke")
        self.setWindowIcon(app_icon())
        self.resize(1400, 820)
        self.spent_today_usd = 0.0  # read off the GUI thread after each reply and commit
        self.engine = Engine(settings, lambda: self.spent_today_usd,
                             load_strong=(lambda _gate: strong_provider)
                             if strong_provider else None)
        self.loop = KeystrokeLoop(self.engine, self, loop_options)
        self.store = StoreService(store_path, self)
        self.session = ProjectSession(self.store, self)
        self._build_widgets()
        self.completions = EditorCompletions(
            self.editor, settings, lambda: self.loop.requests.running is not None, self)
        self.rewrite = SelectionRewrite(self.editor, self.engine, self)
        self.scoping = ScopeActions(self, self.loop, self.editor, self.preview)
        self.prompt_row.insertWidget(0, self.scoping.chip, 0, Qt.AlignmentFlag.AlignTop)
        self.host.widget.layout().insertWidget(1, self.scoping.style_panel)
        self.exports = ExportActions(self, settings, self.store, self.show_notice)
        self.models = ModelActions(self, settings, self.loop, self.status, self.show_notice,
                                   model_override)
        self.files = FileActions(self, self.show_notice)
        self.versions = VersionActions(self, self.session, self.store, self.history,
                                       self.preview, self.engine)
        self._build_menus()
        self._connect()
        self.host.show_welcome()
        if settings.problems:
            self.show_notice(" ".join(settings.problems), lasting=True)
        self.prompt.setReadOnly(True)  # until the project (and its draft) has loaded
        self.store.start()
        self.session.open(at_start=True)
        self.models.refresh_providers()
        self._update_spend()
        if provider is not None:
            self.models.provider_ready(provider)
        elif autoload:
            self.models.load_model()
        else:
            self.status.state_label.setText("No model loaded")

    # -- layout ------------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.prompt = PromptBox()
        self.editor = CodeEditor()
        # A val's std/openai is answered by the fast tier (the local model when offline).
        self.model_bridge = ModelBridge(
            self.engine.fast_provider, self._bridge_used,
            lambda provider: self.engine.router.spend_refusal(provider.id, provider.model_name))
        self.host = PreviewHost(self.settings, self.model_bridge.url, self.session.val_sandbox,
                                self)
        self.preview, self.error_bar = self.host.preview, self.host.error_bar
        self.val_preview = self.host.val_preview
        self.banner = NoticeBanner()
        self.show_notice = self.banner.show_notice
        self.thread_bar = ThreadReminder()
        self.thread_bar.hide()
        self.history = HistoryPanel()
        split = QSplitter(Qt.Orientation.Horizontal)
        for part in (self.history, self.editor, self.host.widget):
            split.addWidget(part)
        split.setSizes([230, 500, 670])
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        self.prompt_row = QHBoxLayout()  # the scope chip goes before the prompt
        self.prompt_row.addWidget(self.prompt, 1)
        layout.addLayout(self.prompt_row)
        for part in (self.banner, self.thread_bar):
            layout.addWidget(part)
        layout.addWidget(split, 1)
        self.setCentralWidget(central)
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.model_label = self.status.model_label
        self.state_label = self.status.state_label
        self.metrics_label = self.status.metrics_label
        self._hand_edit = Debounce(HAND_EDIT_DELAY_MS, HAND_EDIT_MAX_WAIT_MS,
                                   self._apply_hand_edit, self)

    def _build_menus(self) -> None:
        files, models, versions = self.files, self.models, self.versions
        file_menu = self.menuBar().addMenu("&File")
        self._action(file_menu, "&New Project", versions.new_project,
                     QKeySequence.StandardKey.New)
        self._action(file_menu, "&Projects…", versions.show_projects, "Ctrl+Shift+O")
        self._action(file_menu, "&Open HTML…", files.open_html, QKeySequence.StandardKey.Open)
        self._action(file_menu, "Open &Folder (follow its changes)…",
                     lambda: files.open_folder(self.loop.base_code))
        self._action(file_menu, "&Save HTML As…",
                     lambda: files.save_html(self.editor.toPlainText()),
                     QKeySequence.StandardKey.Save)
        self._action(file_menu, "Export to &Val Town…", self.export_to_valtown)
        self._action(file_menu, "Export to a Fol&der…", self.export_to_folder)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        self._action(edit_menu, "&Previous Version", versions.previous_version, "Ctrl+Alt+Z")
        self._action(edit_menu, "&Next Version", versions.next_version, "Ctrl+Alt+Shift+Z")
        self._action(edit_menu, "Start a &Fresh Thread", self.session.fresh_thread)
        self._action(edit_menu, "&Rewrite Selected Lines…", self.rewrite.open, "Ctrl+K")
        edit_menu.addAction(self.scoping.pick_toggle)
        view_menu = self.menuBar().addMenu("&View")
        self._action(view_menu, "&Usage and Cost…", lambda: UsageDialog(self.store, self).open())
        self._action(view_menu, "&Outbox…",
                     lambda: OutboxDialog(self.session.val_sandbox() / "outbox", self).open())
        model_menu = self.menuBar().addMenu("&Model")
        self._action(model_menu, "&Providers and Keys…", models.show_settings, "Ctrl+,")
        self._action(model_menu, "Manage &Models…", models.show_models)
        self._action(model_menu, "Use &GGUF File…", models.choose_gguf)
        self._action(model_menu, "Use the &Default Model", models.use_default_model)
        toolbar = QToolBar("Model")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.strong_toggle = models.strong_toggle
        toolbar.addAction(self.strong_toggle)
        toolbar.addAction(self.scoping.pick_toggle)
        self._action(toolbar, "Providers…", models.show_settings)

    def _action(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _connect(self) -> None:
        loop, prompt, host, session = self.loop, self.prompt, self.host, self.session
        prompt.instruction_changed.connect(loop.prompt_changed)
        prompt.instruction_changed.connect(host.disarm_auto_fix)
        prompt.instruction_changed.connect(self._autosave)
        prompt.commit_requested.connect(loop.commit)
        prompt.strong_commit_requested.connect(lambda: loop.commit(strong=True))
        prompt.cancel_requested.connect(loop.cancel_and_restore)
        loop.route_chosen.connect(self.status.show_route)
        loop.route_chosen.connect(lambda _reason: self.versions.naming_cancel.set())
        loop.requests.reply_received.connect(self._record_reply)
        loop.code_shown.connect(self._show_code)
        loop.state_changed.connect(self.state_label.setText)
        loop.notice.connect(self.show_notice)
        loop.result_ready.connect(self._on_result)
        loop.latency_measured.connect(self.status.show_latency)
        loop.committed.connect(self._on_committed)
        host.app_failed.connect(loop.page_failed)
        host.fix_requested.connect(loop.fix)
        loop.fix_started.connect(host.disarm_auto_fix)  # its own version arms it again
        host.state.connect(self.state_label.setText)
        host.tested.connect(self.versions.self_tested)
        host.tested.connect(lambda _code, result: self.status.show_self_test(result))
        host.fix_not_better.connect(lambda why, code: self.session.back_to(code)
                                    and self.show_notice(why, error=False))
        self.preview.page_shown.connect(lambda tag, _ms: loop.preview_shown(tag))
        self.editor.edited_by_user.connect(self._hand_edit.poke)
        self.editor.edited_by_user.connect(self._autosave)
        self.models.model_ready.connect(self.banner.hide_passing)
        self.completions.availability.connect(self.status.show_completions)
        self.rewrite.kept.connect(self._on_rewrite_kept)
        self.rewrite.reply_received.connect(self._record_reply)
        self.rewrite.status.connect(self.state_label.setText)
        self.scoping.status.connect(self.state_label.setText)
        self.scoping.code_changed.connect(self._take_direct_edit)
        for changed in (self.models.model_ready, self.models.settings_saved):
            changed.connect(lambda: self.completions.reopen(self.engine.local, self.engine.gate))
        self.models.model_failed.connect(
            lambda why: self.completions.use(None, f"The local model could not start: {why}"))
        self.files.code_opened.connect(self._take_outside_code)
        self.files.status.connect(self.state_label.setText)
        self.versions.status.connect(self.state_label.setText)
        self.versions.preview_requested.connect(lambda code: host.load(code, fixable=False))
        session.opened.connect(self._on_session_opened)
        session.restored.connect(self._on_restored)
        session.renamed.connect(lambda name: self.setWindowTitle(f"Keystroke — {name}"))
        session.long_thread.connect(self.thread_bar.setVisible)
        self.thread_bar.fresh_requested.connect(session.fresh_thread)
        self.store.failed.connect(self._store_failed)
        self.store.recovered.connect(self._store_recovered)

    # -- code and preview --------------------------------------------------------------------

    def _show_code(self, code: str, final: bool, tag: int) -> None:
        self.editor.set_code_quietly(code)
        if final:  # the finished page, with its scripts running, then tried out
            self.host.load(code, tag, request=self.loop.request)
        elif self.loop.streaming_kind == "page":
            if self.loop.options.patch_partial_pages:  # a rewrite's scripts run at its end
                self.preview.patch_html(code, tag, scripts_later=bool(self.loop.base_code))
            else:
                self.preview.show_html(code, tag)
        # a val streams into the editor only; it runs once it is whole

    def _apply_hand_edit(self) -> None:
        self.host.disarm_auto_fix()  # the person is fixing it
        code = self.editor.toPlainText()
        self.files.save_to_folder(code)
        self.loop.code_edited_by_hand(code)
        self.host.load(code)
        self._autosave()
        self.state_label.setText("Edited by hand — the preview follows your code")

    def _on_committed(self, instruction: str, result: GenerationResult, base: str) -> None:
        self.prompt.clear_quietly()
        self.host.commit_made(a_fix=instruction.startswith(FIX_PREFIX))
        self._keep_version(instruction, result, base)

    def _on_rewrite_kept(self, instruction: str, result: GenerationResult, base: str) -> None:
        """Accepted rewritten lines are a version, like a kept instruction (the prompt keeps
        what is typed in it)."""
        self.loop.keep_rewrite(result)
        self._keep_version(instruction, result, base, self.prompt.toPlainText())
        self.state_label.setText(f"Kept: {instruction}")

    def _keep_version(self, instruction: str, result: GenerationResult, base: str,
                      prompt: str = "") -> None:
        self.versions.kept(instruction, result, base, prompt)
        self.files.save_to_folder(result.code or "")
        self._update_spend()

    def _take_outside_code(self, code: str, note: str) -> None:
        """Code from a file or a followed folder (then also a version) becomes the base."""
        self.prompt.clear_quietly()
        self.loop.set_base(code)
        if note:
            self.session.record_outside_change(code, note)
        self.session.text_changed("", code)

    def _take_direct_edit(self, code: str, note: str, scope: Scope | None) -> None:
        """A change made without a model (text typed into the preview, the style panel):
        the base, patched into the page at once; with a `note`, a version."""
        if code != self.loop.base_code:
            self.editor.set_code_quietly(code)  # first: the scope is shown against it
            self.loop.code_edited_by_hand(code, scope)
            self.preview.patch_html(code)
            self.session.text_changed(self.prompt.toPlainText(), code)
            self.files.save_to_folder(code)
        if note:
            self.session.record_outside_change(code, note)
            self.state_label.setText(f"{note} — written to the code")

    def _record_reply(self, instruction: str, result: GenerationResult) -> None:
        self.session.record_draft(instruction, result)
        self._update_spend()

    def _bridge_used(self, provider: Provider, usage: Usage, reply: str) -> None:
        """A val's model call (on the bridge's thread) counts in Usage and Cost."""
        if (project := self.session.project) is not None:
            self.store.call(lambda store: history.record_val_model_call(
                store, project.id, provider.id, provider.model_name, usage, reply))
            self._update_spend()

    def _update_spend(self) -> None:
        self.store.call(spent_today, self._spend_read)

    def _spend_read(self, spent: float) -> None:
        self.spent_today_usd = spent

    def _on_result(self, result: GenerationResult) -> None:
        self.status.show_result(result)
        if result.ok and not result.message:
            self.banner.hide_passing()

    def _autosave(self) -> None:
        """The prompt and the base code reach the draft; code typed by hand counts from
        the key, not from when the preview takes it up."""
        code = self.editor.toPlainText() if self._hand_edit.pending else self.loop.base_code
        self.session.text_changed(self.prompt.toPlainText(), code)

    def export_to_valtown(self) -> None:
        project = self.session.project
        if project is not None:
            self.exports.to_valtown(project.id, project.name, self.loop.base_code)

    def export_to_folder(self) -> None:
        if self.session.project is not None:
            self.exports.to_folder(self.session.project.id, self.loop.base_code)

    # -- projects ----------------------------------------------------------------------------

    def _on_session_opened(self, session: Session) -> None:
        self.setWindowTitle(f"Keystroke — {session.project.name}")
        self.preview.use_origin(f"p{project_key(session.project)}")
        self.history.show_versions(session.versions, session.thumbnails,
                                   session.current_version_id)
        self.loop.set_base(session.base_code)
        if not session.base_code:
            self.host.show_welcome()
        instruction = session.draft.instruction if session.draft else ""
        self.prompt.set_text_quietly(instruction)
        self.loop.restore_instruction(instruction)
        self.prompt.setReadOnly(False)
        self.prompt.setFocus()
        if session.problem:
            self.show_notice(session.problem, lasting=True)
        elif session.recovered:
            self.show_notice(session.recovered, error=False)

    def _on_restored(self, version) -> None:
        self.loop.set_base(version.code)
        self.prompt.clear_quietly()
        self.history.mark_current(version.id)
        self.session.text_changed("", version.code)
        self.state_label.setText(f"Restored: {version.instruction}")

    def _store_failed(self, message: str) -> None:
        """Saving failed: say so, and keep the window usable (what is on screen stays and
        is saved once the disk lets it)."""
        self.show_notice(message, lasting=True)
        self.prompt.setReadOnly(False)

    def _store_recovered(self) -> None:
        """Say "Saved" once what is typed now is on disk, not merely what was held."""
        self.session.flush()
        self.store.call(lambda _store: None, lambda _done: self.show_notice(
            "Saved: everything typed while the disk refused it is now on disk.", error=False))

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.store.holding and not quit_unsaved(self, self.store.holding):
            event.ignore()
            return
        self.loop.shutdown()
        self.completions.shutdown()
        self._autosave()
        self.session.close()  # writes what is pending, then marks a clean exit
        self.engine.close()  # the local model and the cloud clients
        self.host.close()
        self.model_bridge.close()
        self.files.unfollow()
        super().closeEvent(event)
