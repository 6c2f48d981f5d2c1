"""Following a folder with a real watchdog observer."""

from __future__ import annotations

import threading
import time

import pytest

from desktop.core.projects.folder_sync import FolderSync


@pytest.fixture
def followed(tmp_path):
    (tmp_path / "index.html").write_text("<h1>one</h1>")
    changes: list[tuple[float, str]] = []
    arrived = threading.Event()

    def on_change(code: str) -> None:
        changes.append((time.perf_counter(), code))
        arrived.set()

    sync = FolderSync(tmp_path, on_change)
    assert sync.start() == "<h1>one</h1>"
    yield sync, changes, arrived
    sync.stop()


def test_another_editors_write_arrives_within_300_ms(followed, tmp_path):
    _sync, changes, arrived = followed
    written = time.perf_counter()
    (tmp_path / "index.html").write_text("<h1>two</h1>")
    assert arrived.wait(2)
    assert changes[0][1] == "<h1>two</h1>" and changes[0][0] - written < 0.3


def test_the_apps_own_save_is_not_reported(followed, tmp_path):
    sync, changes, arrived = followed
    sync.save("<h1>mine</h1>")
    assert not arrived.wait(0.5) and changes == []
    assert (tmp_path / "index.html").read_text() == "<h1>mine</h1>"


def test_a_burst_of_writes_is_one_change_with_the_last_text(followed, tmp_path):
    _sync, changes, arrived = followed
    for n in range(6):
        (tmp_path / "index.html").write_text(f"<h1>{n}</h1>")
    assert arrived.wait(2)
    time.sleep(0.4)
    assert [code for _t, code in changes] == ["<h1>5</h1>"]


def test_other_files_in_the_folder_are_ignored(followed, tmp_path):
    _sync, _changes, arrived = followed
    (tmp_path / "notes.md").write_text("hello")
    assert not arrived.wait(0.5)
