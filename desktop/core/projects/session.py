"""Opening and closing a working session on a project, including crash recovery.

A "running" flag is set when a session opens and cleared when it closes cleanly. Finding it
still set at the next start means the app was killed or crashed; nothing is lost either way
(versions are committed as they are made and the unsaved text is autosaved), and the window
says what it brought back."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop.core.store.database import Draft, Project, Store, StoreError, Version

UNTITLED = "untitled"


@dataclass
class Session:
    project: Project
    versions: list[Version]  # newest first
    thumbnails: dict[int, bytes] = field(default_factory=dict)
    draft: Draft | None = None
    recovered: str = ""  # what to tell the user after an unclean exit, or ""
    problem: str = ""  # the disk refused a write while opening (the project still opened)

    @property
    def base_code(self) -> str:
        if self.draft is not None:
            return self.draft.code
        return self.versions[0].code if self.versions else ""

    @property
    def current_version_id(self) -> int | None:
        if self.draft is not None and self.draft.base_version_id is not None:
            return self.draft.base_version_id
        return self.versions[0].id if self.versions else None


def open_session(store: Store, project_id: int | None = None, at_start: bool = False
                 ) -> Session:
    """The given project, else the last one used, else the newest, else a new one.
    `at_start`: the app is starting, so a leftover running flag means it crashed."""
    crashed = at_start and store.state("running") == "1"
    if project_id is None and store.state("last_project").isdigit():
        project_id = int(store.state("last_project"))
    project = store.project(project_id) if project_id else None
    if project is None:
        projects = store.list_projects()
        project = projects[0] if projects else store.create_project(UNTITLED)
    session = Session(project, store.versions(project.id), store.thumbnails(project.id),
                      store.draft(project.id))
    notes = []
    if store.notice:
        notes.append(store.notice)
    if crashed:
        kept = f"Keystroke did not close properly last time. Reopened '{project.name}' with " \
               f"all {len(session.versions)} saved versions"
        if session.draft and (session.draft.instruction.strip() or session.draft.code.strip()):
            kept += " and your unsaved instruction and code"
        notes.append(kept + ".")
    session.recovered = " ".join(notes)
    try:  # bookkeeping: a disk that refuses it must not keep the project from opening
        store.set_state("last_project", str(project.id))
        store.set_state("running", "1")
        store.backup_if_due()
    except StoreError as exc:
        session.problem = str(exc)
    return session


def close_session(store: Store) -> None:
    store.set_state("running", "0")
