"""One project's data never reaches another: a new project that gets a deleted project's id
(SQLite reuses it) starts with an empty val folder, and a page cannot read what another
project's pages kept in localStorage during the same session."""

from __future__ import annotations

import os
import time

from desktop.core import paths
from desktop.core.projects.data_folder import val_folder
from desktop.core.store import Store


def test_a_reused_project_id_gets_a_fresh_val_folder(keystroke_home):
    store = Store()
    old = store.create_project("diary")
    folder = val_folder(old)
    folder.mkdir(parents=True)
    (folder / "sqlite.db").write_text("the old project's private entries")
    store.delete_project(old.id)
    time.sleep(0.002)  # a later moment, as any real next project has
    new = store.create_project("shop")
    store.close()
    assert new.id == old.id  # SQLite gave the id again
    assert val_folder(new) != folder and not val_folder(new).exists()


def test_a_folder_from_before_the_key_is_kept_only_by_its_own_project(keystroke_home):
    store = Store()
    project = store.create_project("guestbook")
    store.close()
    legacy = paths.data_home() / "vals" / f"project-{project.id}"
    legacy.mkdir(parents=True)
    (legacy / "sqlite.db").write_text("entries")
    assert (val_folder(project) / "sqlite.db").read_text() == "entries"  # written after

    stale = paths.data_home() / "vals" / f"project-{project.id + 1}"
    stale.mkdir()
    os.utime(stale, (0, 0))  # written long before the next project was made
    store = Store()
    later = store.create_project("another")
    store.close()
    assert later.id == project.id + 1 and not val_folder(later).exists() and stale.exists()


KEEP = """<!DOCTYPE html><html><body><p id="r">?</p><script>
localStorage.setItem('diary', 'dear diary');
document.getElementById('r').textContent = 'kept ' + localStorage.getItem('diary');
</script></body></html>"""
READ = """<!DOCTYPE html><html><body><p id="r">?</p><script>
document.getElementById('r').textContent = 'found ' + localStorage.getItem('diary');
</script></body></html>"""


def shows(qtbot, window, page: str, text: str) -> None:
    """Load the page and wait until its text says `text`. Asked again and again: a page of
    another origin may get a new renderer, which drops a question asked while it starts."""
    window.host.load(page)
    answers: list = []

    def said() -> bool:
        if any(text in (answer or "") for answer in answers):
            return True
        window.preview.page().runJavaScript(
            "document.body ? document.body.innerText : ''", 0, answers.append)
        return False

    qtbot.waitUntil(said, timeout=20000)


def test_a_page_cannot_read_another_projects_storage(qtbot, window):
    shows(qtbot, window, KEEP, "kept dear diary")
    shows(qtbot, window, READ, "found dear diary")  # its own project's storage
    first = window.session.project.id
    window.versions.new_project()
    qtbot.waitUntil(lambda: window.session.project is not None
                    and window.session.project.id != first, timeout=10000)
    shows(qtbot, window, READ, "found null")
