"""The Store: projects, versions, threads, messages and drafts in SQLite (WAL mode).

One Store is one connection, used from one thread (the window gives it a thread of its own).
Every sqlite3 error leaves as a StoreError that says whether it is the user's disk (full,
locked, read-only, corrupt: something they can fix) or our bug, and what to do."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from desktop.core import paths
from desktop.core.store import recovery
from desktop.core.store.migrations import migrate

DB_NAME = "keystroke.db"


class StoreError(Exception):
    def __init__(self, message: str, kind: Literal["disk", "bug"]) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Project:
    id: int
    name: str
    created_at: str
    updated_at: str
    forked_from_version: int | None = None


@dataclass(frozen=True)
class Version:
    id: int
    project_id: int
    parent_id: int | None
    code: str
    instruction: str
    provider: str
    model: str
    route_reason: str
    created_at: str
    has_thumbnail: bool = False
    self_test: dict | None = None  # what checking/self_test.py found in it (its as_dict)


@dataclass(frozen=True)
class Draft:
    project_id: int
    instruction: str
    code: str
    base_version_id: int | None
    saved_at: str


@dataclass(frozen=True)
class MessageUsage:
    provider: str
    model: str
    tokens_in: int = 0
    tokens_out: int = 0
    cache_creation_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float = 0.0
    ttft_ms: float | None = None
    total_ms: float | None = None
    route_reason: str = ""
    server_timing: dict[str, float] | None = None


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


_VERSION_SELECT = ("SELECT id, project_id, parent_id, code, instruction, provider, model, "
                   "route_reason, created_at, thumbnail IS NOT NULL AS has_thumbnail, "
                   "self_test FROM versions")


def _version(row: sqlite3.Row) -> Version:
    return Version(**{**dict(row), "has_thumbnail": bool(row["has_thumbnail"]),
                      "self_test": json.loads(row["self_test"] or "null")})


def _is_damage(exc: sqlite3.Error) -> bool:
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text

def classify(exc: sqlite3.Error, path: Path) -> StoreError:
    """Turn a sqlite3 error into a message a user can act on."""
    text = str(exc).lower()
    where = f"the database {path}"
    if "locked" in text or "busy" in text:
        return StoreError(f"{where} is locked by another program (another Keystroke window?). "
                          "Fix: close it and try again; nothing was lost.", "disk")
    if "full" in text or "no space" in text:
        return StoreError(f"The disk holding {where} is full. Fix: free some space; what you "
                          "typed stays in the window until it can be saved.", "disk")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreError(f"Cannot write {where}: it or its folder is read-only. Fix: make it "
                          "writable, or set KEYSTROKE_HOME to a writable folder.", "disk")
    if _is_damage(exc):
        return StoreError(f"{where} is damaged ({exc}). Keystroke set it aside and started a "
                          "fresh one; see the backups folder for yesterday's copy.", "disk")
    return StoreError(f"A bug in Keystroke ({type(exc).__name__}: {exc}). Your data is safe in "
                      f"{path}; please report this.", "bug")


class Store:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path or paths.data_home() / DB_NAME
        self.recovered_from: Path | None = None  # where damaged files were kept
        self.notice = ""  # what to tell the user about damage found and repaired
        self._depth = 0  # write transactions entered; only the outermost begins and commits
        try:
            damage = recovery.wal_damage(self.path) if self.path.exists() else None
            if damage is not None:  # copied before SQLite drops the frames it cannot read
                self.recovered_from = recovery.set_aside(self.path, "damaged", move=False)
            self.db = self._open()
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise classify(exc, self.path) from exc
            # Never write over a damaged file: move it aside (it may still be rescued)
            # and start afresh from the newest backup.
            damage = None
            self.recovered_from = recovery.set_aside(self.path, "damaged", move=True)
            self.db = self._open()
        except sqlite3.Error as exc:
            raise classify(exc, self.path) from exc
        except OSError as exc:
            raise classify(sqlite3.OperationalError(str(exc).lower()), self.path) from exc
        if self.recovered_from is not None:
            self.notice = self._recover(damage)

    def _recover(self, damage: recovery.WalDamage | None) -> str:
        """Bring back what the newest backup holds; the sentence that says what happened."""
        backup = recovery.newest_backup(self.path)
        try:
            restored = recovery.merge_backup(self.db, backup) if backup else 0
        except sqlite3.Error:
            restored = 0
        if damage is not None:
            said = (f"The log of recent changes in {self.path.name} was damaged: "
                    f"{damage.lost} saved change{'s' if damage.lost != 1 else ''} after the "
                    "damage could not be read.")
        else:
            said = f"The database {self.path.name} was damaged and a fresh one was started."
        if restored:
            said += (f" {restored} version{'s' if restored != 1 else ''} came back from the "
                     f"backup of {backup.stem.removeprefix('keystroke-')}.")
        return (f"{said} The damaged files are kept as {self.recovered_from.name}; "
                "`keystroke restore` lists every copy and restores one.")

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=2.0)
        try:
            db.row_factory = sqlite3.Row
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("database disk image is malformed")
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA synchronous=NORMAL")
            migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def close(self) -> None:
        self.db.close()

    def transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        """Write atomically, with errors classified as everywhere here. Store methods
        called inside join it, so several of them land together or not at all (a version
        and the draft that builds on it), and a failed one can simply be tried again."""
        return self._guard(write=True)

    @contextmanager
    def _guard(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        outermost = write and self._depth == 0
        self._depth += write
        try:
            if outermost:
                self.db.execute("BEGIN IMMEDIATE")
            yield self.db
            if outermost:
                self.db.execute("COMMIT")
        except BaseException as exc:
            if outermost and self.db.in_transaction:
                self.db.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise classify(exc, self.path) from exc
            raise
        finally:
            self._depth -= write

    # -- projects ---------------------------------------------------------------------

    def create_project(self, name: str, forked_from_version: int | None = None) -> Project:
        stamp = now()
        with self._guard(write=True) as db:
            pid = db.execute("INSERT INTO projects (name, forked_from_version, created_at, "
                             "updated_at) VALUES (?, ?, ?, ?)",
                             (name, forked_from_version, stamp, stamp)).lastrowid
            db.execute("INSERT INTO threads (project_id, created_at) VALUES (?, ?)", (pid, stamp))
        return Project(pid, name, stamp, stamp, forked_from_version)

    def project(self, project_id: int) -> Project | None:
        with self._guard() as db:
            row = db.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
        return Project(**dict(row)) if row else None

    def project_by_name(self, name: str) -> Project | None:
        with self._guard() as db:
            row = db.execute("SELECT * FROM projects WHERE name = ? ORDER BY id DESC LIMIT 1",
                             (name,)).fetchone()
        return Project(**dict(row)) if row else None

    def list_projects(self, search: str = "") -> list[Project]:
        """Newest activity first; `search` matches the name or any instruction."""
        like = f"%{search}%"
        with self._guard() as db:
            rows = db.execute(
                "SELECT * FROM projects p WHERE ? = '' OR p.name LIKE ? OR EXISTS ("
                " SELECT 1 FROM versions v WHERE v.project_id = p.id AND v.instruction LIKE ?)"
                " ORDER BY updated_at DESC, id DESC", (search, like, like)).fetchall()
        return [Project(**dict(r)) for r in rows]

    def rename_project(self, project_id: int, name: str) -> None:
        with self._guard(write=True) as db:
            db.execute("UPDATE projects SET name = ?, updated_at = ? WHERE id = ?",
                       (name, now(), project_id))

    def delete_project(self, project_id: int) -> None:
        with self._guard(write=True) as db:
            db.execute("DELETE FROM projects WHERE id = ?", (project_id,))

    # -- versions ---------------------------------------------------------------------

    def add_version(self, project_id: int, code: str, instruction: str, provider: str,
                    model: str, parent_id: int | None, route_reason: str = "") -> Version:
        stamp = now()
        with self._guard(write=True) as db:
            vid = db.execute(
                "INSERT INTO versions (project_id, parent_id, code, instruction, provider, "
                "model, route_reason, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (project_id, parent_id, code, instruction, provider, model, route_reason,
                 stamp)).lastrowid
            db.execute("UPDATE projects SET updated_at = ? WHERE id = ?", (stamp, project_id))
        return Version(vid, project_id, parent_id, code, instruction, provider, model,
                       route_reason, stamp)

    def versions(self, project_id: int) -> list[Version]:
        """Newest first."""
        with self._guard() as db:
            rows = db.execute(f"{_VERSION_SELECT} WHERE project_id = ? ORDER BY id DESC",
                              (project_id,)).fetchall()
        return [_version(r) for r in rows]

    def version(self, version_id: int) -> Version | None:
        with self._guard() as db:
            row = db.execute(f"{_VERSION_SELECT} WHERE id = ?", (version_id,)).fetchone()
        return _version(row) if row else None

    def set_thumbnail(self, version_id: int, png: bytes) -> None:
        with self._guard(write=True) as db:
            db.execute("UPDATE versions SET thumbnail = ? WHERE id = ?", (png, version_id))

    def set_self_test(self, version_id: int, found: dict) -> None:
        with self._guard(write=True) as db:
            db.execute("UPDATE versions SET self_test = ? WHERE id = ?",
                       (json.dumps(found), version_id))

    def thumbnails(self, project_id: int) -> dict[int, bytes]:
        with self._guard() as db:
            rows = db.execute("SELECT id, thumbnail FROM versions WHERE project_id = ? AND "
                              "thumbnail IS NOT NULL", (project_id,)).fetchall()
        return {r["id"]: bytes(r["thumbnail"]) for r in rows}

    def fork(self, version_id: int, name: str | None = None) -> tuple[Project, Version]:
        """A new project whose first version is a copy of this one (its parent, so the
        tree stays connected across projects)."""
        source = self.version(version_id)
        if source is None:
            raise StoreError(f"Version {version_id} does not exist.", "bug")
        origin = self.project(source.project_id)
        project = self.create_project(name or f"{origin.name if origin else 'app'} (fork)",
                                      forked_from_version=version_id)
        version = self.add_version(project.id, source.code, source.instruction, source.provider,
                                   source.model, parent_id=version_id,
                                   route_reason=f"forked from version {version_id}")
        return project, version

    # -- threads and messages ----------------------------------------------------------------

    def current_thread(self, project_id: int) -> int:
        with self._guard() as db:
            row = db.execute("SELECT MAX(id) FROM threads WHERE project_id = ?",
                             (project_id,)).fetchone()
        if row[0] is not None:
            return row[0]
        return self.new_thread(project_id)

    def new_thread(self, project_id: int) -> int:
        with self._guard(write=True) as db:
            return db.execute("INSERT INTO threads (project_id, created_at) VALUES (?, ?)",
                              (project_id, now())).lastrowid

    def thread_turns(self, thread_id: int) -> int:
        """Committed instructions in the thread."""
        with self._guard() as db:
            return db.execute("SELECT COUNT(*) FROM messages WHERE thread_id = ? AND "
                              "role = 'user' AND kind = 'commit'", (thread_id,)).fetchone()[0]

    def record_exchange(self, project_id: int, instruction: str, reply: str,
                        usage: MessageUsage, kind: Literal["draft", "commit"],
                        version_id: int | None = None) -> int:
        """The instruction and the model's full reply (never shortened), with what the
        reply cost. Returns the thread it went into."""
        thread = self.current_thread(project_id)
        stamp = now()
        with self._guard(write=True) as db:
            db.execute("INSERT INTO messages (thread_id, version_id, role, content, kind, "
                       "created_at) VALUES (?, ?, 'user', ?, ?, ?)",
                       (thread, version_id, instruction, kind, stamp))
            db.execute(
                "INSERT INTO messages (thread_id, version_id, role, content, kind, provider, "
                "model, tokens_in, tokens_out, cache_creation_tokens, cache_read_tokens, "
                "cost_usd, ttft_ms, total_ms, route_reason, server_timing, created_at) "
                "VALUES (?, ?, 'assistant', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (thread, version_id, reply, kind, usage.provider, usage.model, usage.tokens_in,
                 usage.tokens_out, usage.cache_creation_tokens, usage.cache_read_tokens,
                 usage.cost_usd, usage.ttft_ms, usage.total_ms, usage.route_reason,
                 json.dumps(usage.server_timing) if usage.server_timing else None, stamp))
        return thread

    def messages(self, thread_id: int) -> list[sqlite3.Row]:
        with self._guard() as db:
            return db.execute("SELECT * FROM messages WHERE thread_id = ? ORDER BY id",
                              (thread_id,)).fetchall()

    # -- drafts and app state -------------------------------------------------------------------

    def save_draft(self, project_id: int, instruction: str, code: str,
                   base_version_id: int | None) -> None:
        with self._guard(write=True) as db:
            db.execute("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?, ?)",
                       (project_id, instruction, code, base_version_id, now()))

    def draft(self, project_id: int) -> Draft | None:
        with self._guard() as db:
            row = db.execute("SELECT * FROM drafts WHERE project_id = ?",
                             (project_id,)).fetchone()
        return Draft(**dict(row)) if row else None

    def set_state(self, key: str, value: str) -> None:
        with self._guard(write=True) as db:
            db.execute("INSERT OR REPLACE INTO app_state VALUES (?, ?)", (key, value))

    def state(self, key: str, default: str = "") -> str:
        with self._guard() as db:
            row = db.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    # -- backups ------------------------------------------------------------------------------

    def backup_if_due(self, folder: Path | None = None, keep: int = 7) -> Path | None:
        """Copy the database with SQLite's backup API once a day (consistent even while
        the app writes); keeps the last `keep` days."""
        folder = folder or self.path.parent / "backups"
        target = folder / f"keystroke-{datetime.now():%Y-%m-%d}.db"
        if target.exists():
            return None
        partial = target.with_suffix(".partial")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            copy = sqlite3.connect(partial)
            with copy:
                self.db.backup(copy)
            copy.close()
            partial.replace(target)
            for old in sorted(folder.glob("keystroke-*.db"))[:-keep]:
                old.unlink()
        except (sqlite3.Error, OSError) as exc:
            with suppress(OSError):
                partial.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.Error):
                raise classify(exc, target) from exc
            raise StoreError(f"Today's backup could not be written to {folder} "
                             f"({exc.strerror or exc}); your work itself is saved. Fix: free "
                             "some space, or make that folder writable.", "disk") from exc
        return target
