"""`keystroke restore`: list the daily backups and the damaged databases Keystroke set
aside, and put one of them back as the database.

The database being replaced is never deleted: it is set aside under a new name first, so a
restore can itself be undone with another restore."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from desktop.cli.terminal import say
from desktop.core import paths
from desktop.core.store.database import DB_NAME
from desktop.core.store.recovery import set_aside


def copies(db_path: Path) -> list[Path]:
    """Backups, newest first, then set-aside databases, newest first."""
    backups = sorted((db_path.parent / "backups").glob("keystroke-*.db"), reverse=True)
    aside = sorted(db_path.parent.glob(f"{db_path.stem}.*-*.db"), reverse=True)
    return backups + aside


def describe(path: Path) -> str:
    """How many projects and versions a copy holds, read without changing it."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            projects = db.execute("SELECT COUNT(*) FROM projects").fetchone()[0]
            versions = db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error as exc:
        return f"unreadable ({exc})"
    return f"{projects} project{'s' if projects != 1 else ''}, {versions} version" \
           f"{'s' if versions != 1 else ''}"


def run_restore(args: argparse.Namespace) -> int:
    db_path = paths.data_home() / DB_NAME
    found = copies(db_path)
    if not args.copy:
        if not found:
            print(f"No backups or set-aside databases in {db_path.parent} yet.")
            return 0
        print(f"The database: {db_path} ({describe(db_path) if db_path.exists() else 'none'})")
        for number, path in enumerate(found, 1):
            print(f"{number:3}  {path.relative_to(db_path.parent)}  {describe(path)}")
        print("Restore one with: keystroke restore NUMBER (close the window first)")
        return 0
    chosen = _chosen(args.copy, found)
    if chosen is None:
        say(f"no copy {args.copy!r}; `keystroke restore` lists them")
        return 2
    partial = db_path.with_name(db_path.name + ".restoring")
    try:
        source = sqlite3.connect(f"file:{chosen}?mode=ro", uri=True)
        target = sqlite3.connect(partial)
        with target:
            source.backup(target)
        source.close()
        target.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        say(f"{chosen.name} cannot be read ({exc}); nothing was changed")
        return 1
    kept = set_aside(db_path, "replaced", move=True) if db_path.exists() else None
    partial.replace(db_path)
    print(f"Restored {chosen.name} ({describe(db_path)})."
          + (f" The database it replaced is kept as {kept.name}." if kept else ""))
    return 0


def _chosen(copy: str, found: list[Path]) -> Path | None:
    if copy.isdigit() and 1 <= int(copy) <= len(found):
        return found[int(copy) - 1]
    return next((path for path in found if path.name == copy or str(path) == copy), None)
