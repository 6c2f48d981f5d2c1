"""The open project, kept in step with the store: autosave, versions, restore, fork, undo.

Every store call goes through StoreService (its own thread); this object holds only what
the window needs to know now: the project, the version the next instruction builds on, and
the redo stack.

The draft (the prompt and the code as they are now) is saved when typing pauses, and at
least every AUTOSAVE_MAX_WAIT_MS while it does not. A save reads the newest text when it
runs on the store thread, so at most one is queued, and one held back by a full disk saves
what was typed meanwhile once it can. The version the draft builds on is also settled on
the store thread: a version and the draft on top of it are written in one transaction, so
a crash right after Enter never reopens on the version before."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from desktop.core import paths
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects import history
from desktop.core.projects.data_folder import val_folder
from desktop.core.projects.session import UNTITLED, Session, close_session, open_session
from desktop.core.store import Store
from desktop.core.store.database import Draft, Project, Version
from desktop.ui.debounce import Debounce
from desktop.ui.projects.store_service import StoreService

AUTOSAVE_PAUSE_MS = 300
AUTOSAVE_MAX_WAIT_MS = 700  # with the write itself, well inside "lose at most a second"


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
        # Shared with the store thread, under the lock: the text to save, its revision,
        # the version it builds on as the store knows it, and whether a save is queued.
        self._lock = threading.Lock()
        self._draft = ("", "")
        self._draft_revision = 0
        self._draft_base: int | None = None
        self._save_queued = False
        self._typed_before_open = False
        self._autosave = Debounce(AUTOSAVE_PAUSE_MS, AUTOSAVE_MAX_WAIT_MS, self._save_draft,
                                  self)

    def val_sandbox(self) -> Path:
        """The project's own folder for its val's data (sqlite, blobs, outbox)."""
        if self.project is None:
            return paths.data_home() / "vals" / "no-project"
        return val_folder(self.project)

    # -- opening ------------------------------------------------------------------------

    def open(self, project_id: int | None = None, at_start: bool = False) -> None:
        self._autosave.flush()  # keep what was typed in the project being left
        self.store.call(lambda s: open_session(s, project_id, at_start), self._on_opened)

    def _on_opened(self, session: Session) -> None:
        self.project = session.project
        self._versions = {v.id: v for v in session.versions}
        self.current_version_id = session.current_version_id
        self._redo.clear()
        if self._typed_before_open:
            # Typed while the project was opening (or while the disk refused to open it):
            # what the person typed wins over the draft on disk, and is saved at once. The
            # code counts only if they typed some; else the project's own code is the base.
            self._typed_before_open = False
            instruction, code = self._draft
            session.draft = Draft(session.project.id, instruction, code or session.base_code,
                                  session.current_version_id, "")
            self._autosave.poke()
        with self._lock:
            self._draft_base = session.current_version_id
            if session.draft is not None:
                self._draft = (session.draft.instruction, session.draft.code)
            else:
                self._draft = ("", session.base_code)
        self.opened.emit(session)
        self._autosave.flush()

    def close(self) -> None:
        self._autosave.flush()
        self.store.call(close_session)
        self.store.close()

    # -- autosave -----------------------------------------------------------------------

    def text_changed(self, instruction: str, base_code: str) -> None:
        """The prompt or the code changed: save both soon (see the module's docstring)."""
        with self._lock:
            self._draft = (instruction, base_code)
            self._draft_revision += 1
        if self.project is None:
            self._typed_before_open = True
        self._autosave.poke()

    def flush(self) -> None:
        """Save what is typed now, without waiting for a pause."""
        self._autosave.flush()

    def _save_draft(self) -> None:
        if self.project is None:
            return
        with self._lock:
            if self._save_queued:
                return  # the queued save will read the newest text
            self._save_queued = True
        pid = self.project.id
        self.store.call(lambda store: self._write_draft(store, pid))

    def _write_draft(self, store: Store, project_id: int) -> None:
        """On the store thread: write the newest draft, again if it changed meanwhile. A
        failure leaves the save queued, and the store tries this again."""
        while True:
            with self._lock:
                (instruction, code), base = self._draft, self._draft_base
                revision = self._draft_revision
            store.save_draft(project_id, instruction, code, base)
            with self._lock:
                if revision == self._draft_revision and base == self._draft_base:
                    self._save_queued = False
                    return

    def _builds_on(self, store: Store, project_id: int, version_id: int) -> None:
        """On the store thread, inside the transaction that made the version: the draft
        now builds on it, and is written with it."""
        with self._lock:
            self._draft_base = version_id
            instruction, code = self._draft
        store.save_draft(project_id, instruction, code, version_id)

    # -- recording ------------------------------------------------------------------------

    def record_draft(self, instruction: str, result: GenerationResult) -> None:
        if self.project is not None:
            pid = self.project.id
            self.store.call(lambda s: history.record_draft(s, pid, instruction, result))

    def commit(self, instruction: str, result: GenerationResult, base_code: str,
               prompt: str = "") -> None:
        """A kept result becomes a version; a hand-edited base becomes one first, so the
        tree shows exactly what the instruction was applied to. `prompt`: what the prompt
        holds now (the draft written with the version)."""
        if self.project is None:
            return
        project, parent = self.project, self.current_version_id
        parent_code = self._versions[parent].code if parent in self._versions else ""
        edited = base_code.strip() != "" and base_code != parent_code

        def work(store: Store) -> tuple[list[Version], bool, str]:
            with store.transaction():
                made = []
                parent_id = parent
                if edited:
                    made.append(history.commit_hand_edit(store, project.id, base_code,
                                                         parent_id))
                    parent_id = made[-1].id
                made.append(history.commit(store, project.id, instruction, result, parent_id,
                                           recorded_as_draft=True))
                self._builds_on(store, project.id, made[-1].id)
                name = project.name
                if name == UNTITLED:
                    name = history.name_from_instruction(instruction)
                    store.rename_project(project.id, name)
            return made, history.needs_fresh_thread(store, project.id), name

        self.text_changed(prompt, result.code or "")  # before the version is written
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
            with store.transaction():
                made = [history.commit_hand_edit(store, pid, code, parent, note)]
                self._builds_on(store, pid, made[-1].id)
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
        with self._lock:
            self._draft_base = version.id
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

    @property
    def current_version(self) -> Version | None:
        return self._versions.get(self.current_version_id or -1)

    def back_to(self, code: str) -> bool:
        """Step back to the newest version with this code (a fix that tested no better
        than it); Next Version goes forward to the fix again."""
        found = max((v for v in self._versions.values() if v.code == code),
                    key=lambda v: v.id, default=None)
        if found is None or found.id == self.current_version_id:
            return False
        if self.current_version_id is not None:
            self._redo.append(self.current_version_id)
        self._go_to(found)
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
