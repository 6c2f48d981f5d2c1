"""Versions and projects as the window shows them: the history panel (with thumbnails),
previous / next / restore / fork, new project and the projects dialog, and the app's name,
which a cheap fast model suggests after the first kept change."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from desktop.core.checking.self_test import SelfTest
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects.history import name_from_instruction
from desktop.core.projects.naming import suggest_name
from desktop.core.projects.session import UNTITLED
from desktop.core.routing.engine import Engine
from desktop.core.store.database import Version
from desktop.ui.preview.view import PreviewView
from desktop.ui.projects.history_panel import HistoryPanel, thumbnail_png, when
from desktop.ui.projects.project_session import ProjectSession
from desktop.ui.projects.projects_dialog import ProjectsDialog
from desktop.ui.projects.store_service import StoreService
from desktop.ui.workers import run_in_background

log = logging.getLogger(__name__)
THUMBNAIL_DELAY_MS = 500  # let the committed page paint before taking its picture


class VersionActions(QObject):
    status = Signal(str)
    preview_requested = Signal(str)  # an old version's code, to look at (not to work from)

    def __init__(self, window: QWidget, session: ProjectSession, store: StoreService,
                 history: HistoryPanel, preview: PreviewView, engine: Engine) -> None:
        super().__init__(window)
        self.window, self.session, self.store = window, session, store
        self.history, self.preview, self.engine = history, preview, engine
        self.naming_cancel = threading.Event()  # the next keystroke comes first
        self._provisional_names: dict[int, str] = {}  # project id → name from an instruction
        self._thumbnail_for: int | None = None
        self._tested: tuple[str, SelfTest] | None = None  # the last page tried: code, result
        self._thumbnail_timer = QTimer(self, singleShot=True, interval=THUMBNAIL_DELAY_MS)
        self._thumbnail_timer.timeout.connect(self._take_thumbnail)
        session.version_added.connect(self._on_version_added)
        history.version_selected.connect(self._preview_version)
        history.restore_requested.connect(session.restore)
        history.fork_requested.connect(session.fork)

    def kept(self, instruction: str, result: GenerationResult, base: str,
             prompt: str = "") -> None:
        """A change was kept: it becomes a version; an untitled app gets a name. `prompt`:
        what the prompt holds now."""
        project = self.session.project
        if project is not None and project.name == UNTITLED:
            # The session names it from this instruction; the model may find a better name.
            self._provisional_names[project.id] = name_from_instruction(instruction)
        self.session.commit(instruction, result, base, prompt)
        if project is not None and project.id in self._provisional_names:
            self._name_app(project.id, instruction, result.code or "")

    def _name_app(self, project_id: int, instruction: str, code: str) -> None:
        """A cheap fast model names the app (valid as a Val Town val name). Typing cancels
        it (the keystroke comes first) and the next commit tries again; the name made from
        the first instruction stays until a model name arrives, and a name the user gave
        is never replaced."""
        engine = self.engine
        cancel = self.naming_cancel = threading.Event()

        def work(_emit) -> str | None:
            return suggest_name(engine.fast_provider(), instruction, code, cancel)

        def named(name: str | None) -> None:
            provisional = self._provisional_names.get(project_id)
            if name and provisional is not None:
                del self._provisional_names[project_id]
                self.session.rename_if(project_id, provisional, name)

        run_in_background(self, work, named,
                          lambda error: log.info("Could not name the app: %s", error))

    def self_tested(self, code: str, result: SelfTest) -> None:
        """A page was tried out: if it is the current version, that is its badge (a draft
        is tried before Enter keeps it: its result waits here for its version)."""
        self._tested = (code, result)
        version = self.session.current_version
        if version is not None and version.code == code:
            self._record_self_test(version.id, result)

    def _record_self_test(self, version_id: int, result: SelfTest) -> None:
        self.history.set_self_test(version_id, result)
        found = result.as_dict()
        self.store.call(lambda store: store.set_self_test(version_id, found))

    def _on_version_added(self, version: Version) -> None:
        self.history.add_version(version)
        self._thumbnail_for = version.id
        self._thumbnail_timer.start()
        if self._tested is not None and self._tested[0] == version.code:
            self._record_self_test(version.id, self._tested[1])

    def _take_thumbnail(self) -> None:
        """A small picture of the preview as it is now, for the history panel."""
        if self._thumbnail_for is None:
            return
        png = thumbnail_png(self.preview)
        self.history.set_thumbnail(self._thumbnail_for, png)
        self.session.save_thumbnail(self._thumbnail_for, png)
        self._thumbnail_for = None

    def _preview_version(self, version: Version) -> None:
        self.preview_requested.emit(version.code)
        self.status.emit(f"Previewing the version from {when(version.created_at)} — "
                         "Restore to work from it")

    def previous_version(self) -> None:
        if not self.session.undo():
            self.status.emit("This is the first version")

    def next_version(self) -> None:
        if not self.session.redo():
            self.status.emit("Nothing to redo")

    def new_project(self) -> None:
        self.store.call(lambda s: s.create_project(UNTITLED).id, self.session.open)

    def show_projects(self) -> ProjectsDialog:
        dialog = ProjectsDialog(self.store, self.window)
        dialog.project_chosen.connect(self.session.open)
        dialog.project_deleted.connect(self._project_deleted)
        dialog.open()
        return dialog

    def _project_deleted(self, project_id: int) -> None:
        if self.session.project is not None and self.session.project.id == project_id:
            self.session.open()  # the newest remaining project, or a new one
