"""The open project, kept in step with the store: autosave, versions, restore, fork, undo.

Every store call goes through StoreService (its own thread); this object holds only what
the window needs to know now: the project, the version the next instruction builds on, and
the redo stack."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core import paths
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects import history
from desktop.core.projects.session import UNTITLED, Session, close_session, open_session
from desktop.core.store import Store
from desktop.core.store.database import Project, Version
from desktop.ui.projects.store_service import StoreService

AUTOSAVE_MS = 600  # well inside "lose at most the last second of typing"


class ProjectSession(QObject):
    opened = Signal(object)  # Session
    version_added = Signal(object)  # Version
    restored = Signal(object)  # Version: the window shows its code as the new base
    renamed = Signal(str)
    long_thread = Signal(bool)  # True from the tenth turn of the thread

    def __init__(self, store: StoreService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.project: Project | None = None
        self.current_version_id: int | None = None
        self._versions: dict[int, Version] = {}
        self._redo: list[int] = []
        self._draft = ("", "")
        self._autosave = QTimer(self, singleShot=True, interval=AUTOSAVE_MS)
        self._autosave.timeout.connect(self._save_draft)

    def val_sandbox(self) -> Path:
        """The project's own folder for its val's data (sqlite, blobs, outbox)."""
        project_id = self.project.id if self.project else 0
        return paths.data_home() / "vals" / f"project-{project_id}"

    # -- opening ------------------------------------------------------------------------

    def open(self, project_id: int | None = None, at_start: bool = False) -> None:
        if self._autosave.isActive():  # keep what was typed in the project being left
            self._autosave.stop()
            self._save_draft()
        self.store.call(lambda s: open_session(s, project_id, at_start), self._on_opened)

    def _on_opened(self, session: Session) -> None:
        self.project = session.project
        self._versions = {v.id: v for v in session.versions}
        self.current_version_id = session.current_version_id
        self._redo.clear()
        self._draft = ((session.draft.instruction, session.draft.code) if session.draft
                       else ("", session.base_code))
        self.opened.emit(session)

    def close(self) -> None:
        self._autosave.stop()
        if self.project is not None:
            self._save_draft()
        self.store.call(close_session)
        self.store.close()

    # -- autosave -----------------------------------------------------------------------

    def text_changed(self, instruction: str, base_code: str) -> None:
        """The prompt or the code changed: save both within AUTOSAVE_MS of the last edit."""
        self._draft = (instruction, base_code)
        self._autosave.start()

    def _save_draft(self) -> None:
        if self.project is None:
            return
        pid, version, (instruction, code) = self.project.id, self.current_version_id, self._draft
        self.store.call(lambda s: s.save_draft(pid, instruction, code, version))

    # -- recording ------------------------------------------------------------------------

    def record_draft(self, instruction: str, result: GenerationResult) -> None:
        if self.project is not None:
            pid = self.project.id
            self.store.call(lambda s: history.record_draft(s, pid, instruction, result))

    def commit(self, instruction: str, result: GenerationResult, base_code: str) -> None:
        """A kept result becomes a version; a hand-edited base becomes one first, so the
        tree shows exactly what the instruction was applied to."""
        if self.project is None:
            return
        project, parent = self.project, self.current_version_id
        parent_code = self._versions[parent].code if parent in self._versions else ""
        edited = base_code.strip() != "" and base_code != parent_code

        def work(store: Store) -> tuple[list[Version], bool, str]:
            made = []
            parent_id = parent
            if edited:
                made.append(history.commit_hand_edit(store, project.id, base_code, parent_id))
                parent_id = made[-1].id
            made.append(history.commit(store, project.id, instruction, result, parent_id,
                                       recorded_as_draft=True))
            name = project.name
            if name == UNTITLED:
                name = history.name_from_instruction(instruction)
                store.rename_project(project.id, name)
            return made, history.needs_fresh_thread(store, project.id), name

        self.store.call(work, self._on_committed)

    def _on_committed(self, outcome: tuple[list[Version], bool, str]) -> None:
        made, long_thread, name = outcome
        for version in made:
            self._versions[version.id] = version
            self.version_added.emit(version)
        self.current_version_id = made[-1].id
        self._redo.clear()
        if self.project is not None and name != self.project.name:
            self.project = Project(self.project.id, name, self.project.created_at,
                                   self.project.updated_at, self.project.forked_from_version)
            self.renamed.emit(name)
        self.long_thread.emit(long_thread)

    def record_outside_change(self, code: str, note: str) -> None:
        """Code that changed outside Keystroke (a followed folder) becomes a version."""
        if self.project is None:
            return
        pid, parent = self.project.id, self.current_version_id

        def work(store: Store) -> tuple[list[Version], bool, str]:
            made = [history.commit_hand_edit(store, pid, code, parent, note)]
            return made, history.needs_fresh_thread(store, pid), self.project.name

        self.store.call(work, self._on_committed)

    def rename_if(self, project_id: int, expected: str, name: str) -> None:
        """Rename the project unless the user renamed it meanwhile."""
        def work(store: Store) -> str | None:
            project = store.project(project_id)
            if project is None or project.name not in (expected, UNTITLED):
                return None
            store.rename_project(project_id, name)
            return name

        self.store.call(work, lambda renamed: self._renamed(project_id, renamed))

    def _renamed(self, project_id: int, name: str | None) -> None:
        if name and self.project is not None and self.project.id == project_id:
            self.project = Project(self.project.id, name, self.project.created_at,
                                   self.project.updated_at, self.project.forked_from_version)
            self.renamed.emit(name)

    def save_thumbnail(self, version_id: int, png: bytes) -> None:
        self.store.call(lambda s: s.set_thumbnail(version_id, png))

    def fresh_thread(self) -> None:
        if self.project is not None:
            pid = self.project.id
            self.store.call(lambda s: s.new_thread(pid), lambda _t: self.long_thread.emit(False))

    # -- moving through versions ------------------------------------------------------------

    def restore(self, version: Version) -> None:
        self._redo.clear()
        self._go_to(version)

    def _go_to(self, version: Version) -> None:
        self.current_version_id = version.id
        self.restored.emit(version)

    def undo(self) -> bool:
        """Step back to the version this one was made from."""
        current = self._versions.get(self.current_version_id or -1)
        parent = self._versions.get(current.parent_id or -1) if current else None
        if parent is None:
            return False
        self._redo.append(current.id)
        self._go_to(parent)
        return True

    def redo(self) -> bool:
        while self._redo:
            version = self._versions.get(self._redo.pop())
            if version is not None:
                self._go_to(version)
                return True
        return False

    def fork(self, version: Version) -> None:
        self.store.call(lambda s: s.fork(version.id)[0].id, self.open)
