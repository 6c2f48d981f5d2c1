"""When the database or its write-ahead log is damaged: notice it, keep the damaged files,
and bring back what the log and the daily backups still hold.

SQLite applies a WAL only up to its first frame whose checksum fails, and silently drops
every later frame, committed or not. So before the store opens a database that has a WAL,
`wal_damage` reads the WAL the way SQLite does (salts and the running checksum of each
frame, see sqlite.org/fileformat2.html#walformat) and counts the committed transactions
SQLite is about to drop. The damaged files are then copied aside before SQLite touches
them, the store opens with what is still readable, and `merge_backup` copies back the
projects, versions and messages that the newest backup has and the database lost."""

from __future__ import annotations

import shutil
import sqlite3
import struct
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

WAL_MAGIC = 0x377F0682  # the low bit says the checksums use big-endian words
WAL_HEADER = 32
FRAME_HEADER = 24
MERGED_TABLES = ("projects", "threads", "versions", "messages", "drafts")


@dataclass(frozen=True)
class WalDamage:
    kept: int  # committed transactions SQLite will still apply
    lost: int  # committed transactions after the damage, which it will drop


def _checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    for first, second in zip(words[::2], words[1::2], strict=True):
        s0 = (s0 + first + s1) & 0xFFFFFFFF
        s1 = (s1 + second + s0) & 0xFFFFFFFF
    return s0, s1


def wal_damage(db_path: Path) -> WalDamage | None:
    """None when the WAL is absent or whole; else how many commits survive and how many
    SQLite would silently drop."""
    wal = db_path.with_name(db_path.name + "-wal")
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return None
    if len(data) <= WAL_HEADER:
        return None
    magic, _version, page_size, _seq, salt1, salt2, c0, c1 = struct.unpack(
        ">8I", data[:WAL_HEADER])
    frame_size = FRAME_HEADER + page_size
    if magic & ~1 != WAL_MAGIC or page_size < 512 or page_size & (page_size - 1):
        return WalDamage(0, max(1, (len(data) - WAL_HEADER) // max(frame_size, 1)))
    big_endian = bool(magic & 1)
    if _checksum(data[:24], 0, 0, big_endian) != (c0, c1):
        commits = sum(1 for at in range(WAL_HEADER, len(data) - FRAME_HEADER + 1, frame_size)
                      if struct.unpack(">I", data[at + 4:at + 8])[0])
        return WalDamage(0, max(1, commits))
    kept = lost = 0
    s0, s1, whole = c0, c1, True
    for at in range(WAL_HEADER, len(data), frame_size):
        header = data[at:at + FRAME_HEADER]
        if len(header) < FRAME_HEADER:
            break
        _page, commit_size, f_salt1, f_salt2, f0, f1 = struct.unpack(">6I", header)
        if (f_salt1, f_salt2) != (salt1, salt2):
            continue  # a frame left over from before the log last restarted
        frame = data[at:at + frame_size]
        if whole:
            if len(frame) == frame_size:
                s0, s1 = _checksum(header[:8] + frame[FRAME_HEADER:], s0, s1, big_endian)
            whole = len(frame) == frame_size and (s0, s1) == (f0, f1)
        if commit_size:
            if whole:
                kept += 1
            else:
                lost += 1
    return WalDamage(kept, lost) if lost else None


def set_aside(db_path: Path, why: str, move: bool) -> Path:
    """Keep the database (and its -wal and -shm) under a new name; `move` for a file that
    cannot be opened at all, else a copy, so SQLite can still read what is whole."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = db_path.with_name(f"{db_path.stem}.{why}-{stamp}.db")
    for suffix in ("", "-wal", "-shm"):
        source = db_path.with_name(db_path.name + suffix)
        if source.exists():
            target = aside.with_name(aside.name + suffix)
            if move:
                source.replace(target)
            else:
                shutil.copy2(source, target)
    return aside


def newest_backup(db_path: Path) -> Path | None:
    backups = sorted((db_path.parent / "backups").glob("keystroke-*.db"))
    return backups[-1] if backups else None


def merge_backup(db: sqlite3.Connection, backup: Path) -> int:
    """Copy in the rows the backup has and the database lost (never replacing a row the
    database has). Returns how many versions came back."""
    db.execute("ATTACH DATABASE ? AS backup", (str(backup),))
    try:
        before = db.execute("SELECT COUNT(*) FROM versions").fetchone()[0]
        db.execute("BEGIN IMMEDIATE")
        for table in MERGED_TABLES:
            columns = ", ".join(row[1] for row in db.execute(f"PRAGMA main.table_info({table})"))
            db.execute(f"INSERT OR IGNORE INTO main.{table} ({columns}) "
                       f"SELECT {columns} FROM backup.{table}")
        db.execute("COMMIT")
        return db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] - before
    except sqlite3.Error:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    finally:
        db.execute("DETACH DATABASE backup")
