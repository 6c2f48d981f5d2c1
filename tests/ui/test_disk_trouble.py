"""A data folder on a disk that fills up or turns read-only, in the real window: the banner
says so, the window keeps working, and nothing typed meanwhile is lost once the disk lets
Keystroke write again. The disk is a small tmpfs of its own (mounting needs root)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from desktop.core.settings import Settings
from desktop.core.store import Store
from tests.fakes.scripted_provider import page_for
from tests.ui.conftest import close_and_delete, open_window

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small disk needs root")


@pytest.fixture
def small_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    monkeypatch.setenv("KEYSTROKE_HOME", str(disk / "home"))
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=False)


def remount(disk: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(disk)], check=True)


def fill(disk: Path) -> Path:
    ballast = disk / "ballast"
    with ballast.open("wb") as out:
        try:
            while True:
                out.write(b"\0" * 65536)
                out.flush()
        except OSError:
            pass
    return ballast


def answer_when_asked(button: str) -> None:
    """Click `button` in the dialog that is about to open (it blocks until answered)."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, answer)
            return
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, answer)


def saved_draft():
    store = Store()
    try:
        return store.draft(store.list_projects()[0].id)
    finally:
        store.close()


def saved_instruction() -> str:
    draft = saved_draft()
    return draft.instruction if draft else ""


def test_a_full_disk_keeps_what_is_typed_until_space_returns(qtbot, small_disk, provider):
    win = open_window(qtbot, Settings(debounce_ms=100, strong_model_id=""), provider=provider)
    try:
        qtbot.keyClicks(win.prompt, "a todo list")
        qtbot.waitUntil(lambda: saved_instruction() == "a todo list", timeout=5000)
        qtbot.waitUntil(lambda: win.loop.draft is not None, timeout=5000)
        ballast = fill(small_disk)
        big_code = "<!DOCTYPE html>\n" + "<p>a long page</p>\n" * 30000
        win.editor.setPlainText(big_code)  # a paste the disk has no room for
        qtbot.waitUntil(win.banner.isVisible, timeout=10000)
        assert "full" in win.banner.text() and "Fix:" in win.banner.text()
        qtbot.keyClicks(win.prompt, " with due dates")  # the window keeps working
        answer_when_asked("Keep Keystroke Open")
        assert not win.close() and win.isVisible()  # quitting now would lose the typing
        ballast.unlink()
        qtbot.waitUntil(lambda: win.banner.text().startswith("Saved"), timeout=10000)
        draft = saved_draft()
        assert draft.code == big_code and draft.instruction == "a todo list with due dates"
    finally:
        close_and_delete(win)


def test_a_read_only_data_folder_at_start_is_reported_and_loses_nothing(qtbot, small_disk,
                                                                         provider):
    settings = Settings(debounce_ms=100, strong_model_id="")
    first = open_window(qtbot, settings, provider=provider)
    qtbot.keyClicks(first.prompt, "a dice roller")
    qtbot.waitUntil(lambda: first.loop.draft is not None, timeout=5000)
    first.loop.commit()
    qtbot.waitUntil(lambda: first.history.list.count() == 1, timeout=5000)
    close_and_delete(first)
    remount(small_disk, "ro")
    win = open_window(qtbot, settings, provider=provider)  # the prompt opens for typing
    try:
        qtbot.waitUntil(win.banner.isVisible, timeout=10000)
        assert "read-only" in win.banner.text() and "Fix:" in win.banner.text()
        qtbot.keyClicks(win.prompt, "make it roll two dice")
        remount(small_disk, "rw")
        qtbot.waitUntil(lambda: win.banner.text().startswith("Saved"), timeout=10000)
        assert win.prompt.toPlainText() == "make it roll two dice"
        assert win.history.list.count() == 1
        assert win.editor.toPlainText() == page_for("a dice roller")  # the project's code
        assert saved_instruction() == "make it roll two dice"
    finally:
        close_and_delete(win)

