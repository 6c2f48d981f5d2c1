"""Nothing is ever lost: versions, thumbnails, restore, fork, undo, autosave, projects and
usage, through the real window and the real database."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from desktop.core.store import Store
from desktop.ui.dialogs.usage_dialog import UsageDialog
from desktop.ui.projects.projects_dialog import ProjectsDialog
from tests.fakes.scripted_provider import page_for
from tests.ui.conftest import press


def commit(qtbot, window, instruction: str) -> None:
    count = window.history.list.count()
    window.prompt.setPlainText(instruction)
    qtbot.waitUntil(lambda: window.loop.draft is not None, timeout=10000)
    press(qtbot, window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.history.list.count() == count + 1, timeout=5000)


def stored(query: str, *args):
    store = Store()
    try:
        return store.db.execute(query, args).fetchall()
    finally:
        store.close()


def test_every_commit_is_a_version_with_a_thumbnail(qtbot, window):
    commit(qtbot, window, "a counter")
    commit(qtbot, window, "make it blue")
    assert [window.history.list.item(i).text().split("\n")[0] for i in range(2)] == [
        "make it blue", "a counter"]
    qtbot.waitUntil(lambda: len(stored("SELECT id FROM versions WHERE thumbnail IS NOT NULL"))
                    == 2, timeout=5000)
    rows = stored("SELECT instruction, parent_id, code FROM versions ORDER BY id")
    assert rows[0]["parent_id"] is None and rows[1]["parent_id"] is not None
    assert rows[1]["code"] == page_for("make it blue")
    png = stored("SELECT thumbnail FROM versions LIMIT 1")[0][0]
    assert bytes(png[:8]) == b"\x89PNG\r\n\x1a\n"
    assert window.windowTitle() == "Keystroke — counter"  # named from the first instruction


def test_selecting_previews_and_restore_makes_it_the_base(qtbot, window, preview, provider):
    commit(qtbot, window, "version one")
    commit(qtbot, window, "version two")
    window.history.list.setCurrentRow(1)  # the older one
    preview.wait_for_text("Generated for: version one")
    assert window.loop.base_code == page_for("version two")  # only a preview
    window.history.restore_button.click()
    assert window.loop.base_code == page_for("version one")
    assert window.editor.toPlainText() == page_for("version one")
    commit(qtbot, window, "version three")
    assert page_for("version one").strip() in provider.requests[-1].messages[-1].content
    rows = stored("SELECT id, instruction, parent_id FROM versions ORDER BY id")
    assert rows[2]["parent_id"] == rows[0]["id"], "a restore branches the tree"


def test_undo_and_redo_step_through_versions(qtbot, window, preview):
    commit(qtbot, window, "step one")
    commit(qtbot, window, "step two")
    window.versions.previous_version()
    assert window.loop.base_code == page_for("step one")
    preview.wait_for_text("Generated for: step one")
    window.versions.next_version()
    assert window.loop.base_code == page_for("step two")
    window.versions.previous_version()
    window.versions.previous_version()  # nothing before the first version
    assert "first version" in window.state_label.text()


def test_fork_starts_a_new_project_from_a_version(qtbot, window):
    commit(qtbot, window, "original app")
    window.history.list.setCurrentRow(0)
    window.history.fork_button.click()
    qtbot.waitUntil(lambda: "(fork)" in window.windowTitle(), timeout=5000)
    assert window.history.list.count() == 1
    assert window.loop.base_code == page_for("original app")
    assert len(stored("SELECT id FROM projects")) == 2


def test_unsaved_text_is_autosaved_within_a_second(qtbot, window):
    window.editor.setPlainText("<h1>typed by hand</h1>")
    typed_at = time.monotonic()
    saved = lambda: [r[0] for r in stored("SELECT code FROM drafts")]  # noqa: E731
    qtbot.waitUntil(lambda: saved() == ["<h1>typed by hand</h1>"], timeout=3000)
    assert time.monotonic() - typed_at < 1.2


def test_the_tenth_turn_offers_a_fresh_thread(qtbot, window):
    for turn in range(9):
        commit(qtbot, window, f"change {turn}")
    assert not window.thread_bar.isVisible()
    commit(qtbot, window, "change 9")
    qtbot.waitUntil(window.thread_bar.isVisible, timeout=5000)
    window.thread_bar.findChild(type(window.history.fork_button)).click()
    qtbot.waitUntil(lambda: not window.thread_bar.isVisible(), timeout=5000)
    assert len(stored("SELECT id FROM threads")) == 2


def test_projects_can_be_searched_renamed_and_deleted(qtbot, window, monkeypatch):
    commit(qtbot, window, "a pomodoro timer")
    window.versions.new_project()
    qtbot.waitUntil(lambda: window.history.list.count() == 0, timeout=5000)
    commit(qtbot, window, "a tip calculator")
    dialog = ProjectsDialog(window.store, window)
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=5000)
    dialog.search.setText("pomodoro")
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    assert dialog.list.item(0).text().startswith("pomodoro-timer")
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("focus", True))
    dialog._rename()
    qtbot.waitUntil(lambda: len(stored("SELECT id FROM projects WHERE name = 'focus'")) == 1,
                    timeout=5000)
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    dialog.search.setText("")
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=5000)
    with qtbot.assertNotEmitted(dialog.project_deleted, wait=200):
        dialog._delete()  # answered No: nothing happens
    assert len(stored("SELECT id FROM projects")) == 2
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    dialog._delete()
    qtbot.waitUntil(lambda: len(stored("SELECT id FROM projects")) == 1, timeout=5000)
    dialog.close()


def test_usage_view_plots_what_generations_cost(qtbot, window):
    commit(qtbot, window, "a chart")
    dialog = UsageDialog(window.store, window)
    qtbot.waitUntil(lambda: dialog.tabs.count() == 5, timeout=5000)
    by_model = dialog.tabs.widget(3)
    assert by_model.item(0, 0).text() == "scripted"
    assert int(by_model.item(0, 2).text()) == 2  # the draft and the commit
    assert by_model.item(0, 6).text() == "0.0000"
    dialog.close()


def test_no_api_key_reaches_the_database(qtbot, cloud_env, provider, keystroke_home):
    """The keys are in the environment before the window starts, and are really used (the
    fake servers refuse any other key); no file in the data folder holds them after."""
    from desktop.core.settings import Settings
    from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY
    from tests.ui.conftest import close_and_delete, open_window

    cerebras, claude = cloud_env
    win = open_window(qtbot, Settings(debounce_ms=100, strong_model_id=""), provider=provider)
    try:
        qtbot.waitUntil(lambda: "anthropic" in win.engine.router.available, timeout=5000)
        commit(qtbot, win, "a login form")  # a hard request: Claude makes the kept version
    finally:
        close_and_delete(win)
    assert cerebras.posts("/chat/completions") and claude.posts("/v1/messages")
    files = [path for path in keystroke_home.rglob("*") if path.is_file()]
    assert any(path.suffix == ".db" for path in files)
    for path in files:
        data = path.read_bytes()
        assert CEREBRAS_KEY.encode() not in data and ANTHROPIC_KEY.encode() not in data, path


def test_a_locked_database_is_reported_and_the_window_still_works(qtbot, keystroke_home,
                                                                   provider):
    import sqlite3

    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow
    from tests.ui.conftest import close_and_delete

    Store().close()  # the database exists…
    holder = sqlite3.connect(keystroke_home / "keystroke.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # …and another program holds it
    win = MainWindow(Settings(debounce_ms=100, strong_model_id=""), provider=provider)
    win.show()
    try:
        qtbot.waitUntil(win.banner.isVisible, timeout=15000)
        assert "locked" in win.banner.text() and "Fix:" in win.banner.text()
        assert not win.prompt.isReadOnly()
        win.prompt.setPlainText("still works")
        qtbot.waitUntil(lambda: win.editor.toPlainText() == page_for("still works"),
                        timeout=10000)
        holder.execute("ROLLBACK")  # the other program lets go: what was held is saved
        qtbot.waitUntil(lambda: win.banner.text().startswith("Saved"), timeout=15000)
        store = Store()
        project = store.list_projects()[0]
        assert store.draft(project.id).instruction == "still works"
        store.close()
    finally:
        if holder.in_transaction:
            holder.execute("ROLLBACK")
        holder.close()
        close_and_delete(win)


def test_a_bad_setting_is_named_in_the_window(qtbot, keystroke_home, provider):
    keystroke_home.mkdir(parents=True, exist_ok=True)
    (keystroke_home / "settings.json").write_text('{"max_tokens": 1e400, "debounce_ms": 100}')
    from desktop.core.settings import Settings
    from tests.ui.conftest import close_and_delete, open_window

    win = open_window(qtbot, Settings.load(), provider=provider)
    try:
        assert win.banner.isVisible() and "Setting max_tokens = " in win.banner.text()
        assert win.settings.max_tokens == 2048 and win.settings.debounce_ms == 100
    finally:
        close_and_delete(win)


def test_code_typed_while_the_project_opens_is_kept(qtbot, keystroke_home, provider):
    """The project takes a while to open (here: another program holds the database): what
    is typed into the code editor meanwhile stays, and is saved once it opens."""
    import sqlite3

    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow
    from tests.ui.conftest import close_and_delete

    store = Store()
    project = store.create_project("notes")
    store.add_version(project.id, "<p>saved before</p>\n", "notes", "p", "m", None)
    store.close()
    holder = sqlite3.connect(keystroke_home / "keystroke.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    win = MainWindow(Settings(debounce_ms=100, strong_model_id=""), provider=provider)
    win.show()
    try:
        win.editor.setFocus()
        qtbot.keyClicks(win.editor, "<p>typed while it opened</p>")
        holder.execute("ROLLBACK")
        qtbot.waitUntil(lambda: win.history.list.count() == 1, timeout=15000)
        assert win.editor.toPlainText() == "<p>typed while it opened</p>"

        def saved() -> str:
            reader = Store()
            try:
                draft = reader.draft(project.id)
                return draft.code if draft else ""
            finally:
                reader.close()

        qtbot.waitUntil(lambda: saved() == "<p>typed while it opened</p>", timeout=5000)
    finally:
        holder.close()
        close_and_delete(win)
