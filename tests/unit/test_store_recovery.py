"""A damaged write-ahead log, found before SQLite silently drops what follows the damage;
the damaged files kept; what the backup holds brought back; `keystroke restore`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from desktop.cli.main import main
from desktop.core.store import Store
from desktop.core.store.recovery import wal_damage
from tests.conftest import REPO

KILLED_MID_SESSION = """
import os, sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from desktop.core.store import Store
store = Store(Path({db!r}))
project = store.create_project("tracker")
for n in range(2):
    store.add_version(project.id, "<p>early</p>" * 200, f"early {{n}}", "p", "m", None)
store.backup_if_due()
{more}
os._exit(0)  # a kill: the WAL is never checkpointed
"""


def killed(db: Path, more: str) -> Path:
    code = KILLED_MID_SESSION.format(repo=str(REPO), db=str(db), more=more)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    wal = db.with_name(db.name + "-wal")
    assert wal.stat().st_size > 0
    return wal


LATER_VERSIONS = """
for n in range(2):
    store.add_version(project.id, "<p>late</p>" * 200, f"late {n}", "p", "m", None)
store.save_draft(project.id, "typed", "<p>code</p>", None)
"""


def test_a_whole_wal_is_not_mistaken_for_damage(keystroke_home):
    keystroke_home.mkdir(parents=True)
    db = keystroke_home / "keystroke.db"
    killed(db, LATER_VERSIONS + "store.db.execute('PRAGMA wal_checkpoint(RESTART)')\n"
               "store.add_version(project.id, 'x', 'after the restart', 'p', 'm', None)\n")
    assert wal_damage(db) is None  # old frames after a restart are not damage
    store = Store(db)
    assert store.notice == "" and len(store.versions(1)) == 5
    store.close()


def test_a_damaged_wal_is_kept_and_the_backup_brings_back_what_it_held(keystroke_home,
                                                                       capsys):
    keystroke_home.mkdir(parents=True)
    db = keystroke_home / "keystroke.db"
    wal = killed(db, LATER_VERSIONS)
    damaged = bytearray(wal.read_bytes())
    damaged[100] ^= 0xFF  # inside the first frame: SQLite would drop the whole log
    wal.write_bytes(bytes(damaged))

    assert main(["history"]) in (0, 1)
    said = capsys.readouterr().err
    assert "log of recent changes in keystroke.db was damaged" in said
    assert "2 versions came back from the backup" in said
    kept = list(keystroke_home.glob("keystroke.damaged-*.db-wal"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(damaged)
    store = Store(db)
    assert [v.instruction for v in store.versions(1)] == ["early 1", "early 0"]
    assert store.notice == ""  # said once
    store.close()


def test_restore_lists_copies_and_puts_one_back_keeping_the_replaced(keystroke_home,
                                                                      capsys):
    store = Store()
    project = store.create_project("tracker")
    store.add_version(project.id, "<p>one</p>", "one", "p", "m", None)
    store.backup_if_due()
    store.add_version(project.id, "<p>two</p>", "two", "p", "m", None)
    store.close()

    assert main(["restore"]) == 0
    listing = capsys.readouterr().out
    assert "1  backups/keystroke-" in listing and "1 project, 1 version" in listing
    assert main(["restore", "7"]) == 2
    assert main(["restore", "1"]) == 0
    said = capsys.readouterr().out
    assert "Restored keystroke-" in said and "kept as keystroke.replaced-" in said
    store = Store()
    assert [v.instruction for v in store.versions(project.id)] == ["one"]
    store.close()
    assert main(["restore"]) == 0
    listing = capsys.readouterr().out
    assert "keystroke.replaced-" in listing and "1 project, 2 versions" in listing
