"""A folder opened in the window follows edits made by another program (a real watchdog
observer), and the window's own saves do not come back as changes."""

from __future__ import annotations

import time

from PySide6.QtCore import Qt

from tests.fakes.scripted_provider import page_for
from tests.ui.conftest import PreviewReader


def test_a_followed_folder_tracks_another_editor_and_ignores_our_own_saves(qtbot, window,
                                                                           tmp_path):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><h1>From disk</h1>"
                                       "</body></html>")
    preview = PreviewReader(qtbot, window.preview)
    window.files.follow_folder(folder, window.loop.base_code)
    preview.wait_for_text("From disk")
    qtbot.waitUntil(lambda: window.history.list.count() == 1, timeout=5000)
    assert window.history.list.item(0).text().startswith("(opened from app/)")

    written = time.perf_counter()
    (folder / "index.html").write_text("<!DOCTYPE html><html><body><h1>Changed elsewhere</h1>"
                                       "</body></html>")
    qtbot.waitUntil(lambda: "Changed elsewhere" in window.editor.toPlainText(), timeout=5000)
    assert time.perf_counter() - written < 1.0  # ~300 ms in practice (watchdog + debounce)
    preview.wait_for_text("Changed elsewhere")
    qtbot.waitUntil(lambda: window.history.list.count() == 2, timeout=5000)
    assert window.history.list.item(0).text().startswith("(changed in another editor)")

    window.prompt.setPlainText("a counter")
    qtbot.waitUntil(lambda: not window.loop.busy, timeout=10000)
    qtbot.keyClick(window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: (folder / "index.html").read_text() == page_for("a counter"),
                    timeout=5000)
    # Watchdog reports a write within ~300 ms: our own must never come back as a change.
    with qtbot.assertNotEmitted(window.files.folder_link.changed, wait=1000):
        pass
    assert window.history.list.count() == 3  # the commit, and no "changed" echo of it
    assert window.loop.base_code == page_for("a counter")


def test_export_to_val_town_from_the_window_then_update_in_place(qtbot, window, monkeypatch,
                                                                  tmp_path):
    from tests.fakes.valtown_server import ValTownServer

    token = "vtwn_windowtokenwindowtokenwindo"
    with ValTownServer(api_key=token) as api:
        monkeypatch.setenv("VAL_TOWN_API_KEY", token)
        monkeypatch.setenv("VAL_TOWN_BASE_URL", api.url)
        window.prompt.setPlainText("a counter")
        qtbot.waitUntil(lambda: not window.loop.busy, timeout=10000)
        qtbot.keyClick(window.prompt, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.history.list.count() == 1, timeout=5000)
        qtbot.waitUntil(lambda: window.session.project.name == "counter", timeout=5000)
        window.export_to_valtown()
        qtbot.waitUntil(lambda: "runs at https://alice--" in window.banner.text(),
                        timeout=10000)
        assert window.banner.text().startswith("Created the val counter on Val Town")
        [val_id] = api.vals
        assert "Generated for: a counter" in api.content(val_id, "main.http.ts")
        window.export_to_valtown()
        qtbot.waitUntil(lambda: window.banner.text().startswith("Updated the val counter"),
                        timeout=10000)
        assert len(api.vals) == 1
        window.exports.write_folder(window.session.project.id, window.loop.base_code,
                                    tmp_path / "out")
        qtbot.waitUntil(lambda: (tmp_path / "out" / ".vt" / "state.json").exists(),
                        timeout=5000)
