"""Schema changes as named functions, applied in order and recorded in the database.

A migration never changes once released; a new change is a new function at the end."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime


def _run(db: sqlite3.Connection, script: str) -> None:
    """executescript() would commit first; running statement by statement keeps the whole
    migration inside the caller's transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def create_core_tables(db: sqlite3.Connection) -> None:
    _run(db, """
        CREATE TABLE projects (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            forked_from_version INTEGER,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE versions (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            parent_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
            code TEXT NOT NULL,
            instruction TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            route_reason TEXT NOT NULL DEFAULT '',
            thumbnail BLOB,
            created_at TEXT NOT NULL
        );
        CREATE INDEX versions_by_project ON versions(project_id, id);
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY,
            project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            thread_id INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
            version_id INTEGER REFERENCES versions(id) ON DELETE SET NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
            content TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('draft', 'commit')),
            provider TEXT NOT NULL DEFAULT '',
            model TEXT NOT NULL DEFAULT '',
            tokens_in INTEGER NOT NULL DEFAULT 0,
            tokens_out INTEGER NOT NULL DEFAULT 0,
            cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            ttft_ms REAL,
            total_ms REAL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX messages_by_thread ON messages(thread_id, id);
        CREATE TABLE drafts (
            project_id INTEGER PRIMARY KEY REFERENCES projects(id) ON DELETE CASCADE,
            instruction TEXT NOT NULL,
            code TEXT NOT NULL,
            base_version_id INTEGER,
            saved_at TEXT NOT NULL
        );
        CREATE TABLE app_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """)


def add_route_and_server_timing_to_messages(db: sqlite3.Connection) -> None:
    """Why a provider answered (it may have been a fallback), and the server's own timing
    of the reply (Cerebras's time_info, as JSON), per message."""
    _run(db, """
        ALTER TABLE messages ADD COLUMN route_reason TEXT NOT NULL DEFAULT '';
        ALTER TABLE messages ADD COLUMN server_timing TEXT
    """)


def create_eval_tables(db: sqlite3.Connection) -> None:
    """`keystroke eval` runs: per run the suite, model and prompts' version with the totals;
    per case the verdict, so a prompt change is judged against the run before it."""
    _run(db, """
        CREATE TABLE eval_runs (
            id INTEGER PRIMARY KEY,
            suite TEXT NOT NULL,
            provider TEXT NOT NULL,
            model TEXT NOT NULL,
            prompt_version TEXT NOT NULL,
            fix_step INTEGER NOT NULL DEFAULT 0,
            cases INTEGER NOT NULL,
            passed INTEGER NOT NULL,
            clean INTEGER NOT NULL,
            mean_s REAL NOT NULL,
            tokens_out INTEGER NOT NULL,
            cost_usd REAL NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX eval_runs_by_suite ON eval_runs(suite, model, id);
        CREATE TABLE eval_results (
            run_id INTEGER NOT NULL REFERENCES eval_runs(id) ON DELETE CASCADE,
            case_id TEXT NOT NULL,
            passed INTEGER NOT NULL,
            clean INTEGER NOT NULL,
            reason TEXT NOT NULL,
            seconds REAL NOT NULL,
            tokens_out INTEGER NOT NULL,
            PRIMARY KEY (run_id, case_id)
        )
    """)


def add_self_test_results(db: sqlite3.Connection) -> None:
    """What the self-test found in each version, and in each eval case's app (JSON)."""
    db.execute("ALTER TABLE versions ADD COLUMN self_test TEXT")
    db.execute("ALTER TABLE eval_results ADD COLUMN self_test TEXT")


MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    create_core_tables, add_route_and_server_timing_to_messages, create_eval_tables,
    add_self_test_results]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply what is missing, each migration in its own transaction (the connection is in
    autocommit mode); returns the names applied now."""
    db.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
               "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    done = {row[0] for row in db.execute("SELECT name FROM schema_migrations")}
    applied = []
    for migration in MIGRATIONS:
        if migration.__name__ in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            migration(db)
            db.execute("INSERT INTO schema_migrations VALUES (?, ?)",
                       (migration.__name__, datetime.now(UTC).isoformat()))
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        applied.append(migration.__name__)
    return applied
