"""While a page streams in, the preview patches it in place: what the user typed, where
they scrolled and what has focus survive. A reload would lose all three."""

import json

from desktop.ui.preview.view import PreviewView
from tests.ui.conftest import close_and_delete

SCRIPT = "<script>document.getElementById('name').addEventListener('input', () => {});</script>"


def page(heading: str, extra: str = "") -> str:
    rows = "".join(f"<p>row {n}</p>" for n in range(200))
    return (f"<html><head><style>p{{height:20px}}</style></head><body><h1>{heading}</h1>"
            f"<input id='name'>{rows}{extra}{SCRIPT}</body></html>")


def js(qtbot, view, script):
    box = []
    view.page().runJavaScript(script, 0, lambda r: box.append(r))
    qtbot.waitUntil(lambda: bool(box), timeout=5000)
    return box[0]


def prepare(qtbot):
    view = PreviewView()
    view.resize(800, 400)
    view.show()
    shown = []
    view.page_shown.connect(lambda tag, ms: shown.append(tag))
    view.show_html(page("Version 1"), "v1")
    qtbot.waitUntil(lambda: shown == ["v1"], timeout=10000)
    js(qtbot, view, "const i = document.getElementById('name'); i.focus(); i.value = 'typed';"
                    "window.scrollTo(0, 500); true")
    qtbot.waitUntil(lambda: js(qtbot, view, "window.scrollY") == 500, timeout=5000)
    return view, shown


STATE = ("JSON.stringify([document.querySelector('h1').textContent,"
         " document.getElementById('name').value, window.scrollY,"
         " document.activeElement ? document.activeElement.id : null,"
         " document.querySelectorAll('p').length])")


def state(qtbot, view):
    return json.loads(js(qtbot, view, STATE))


def test_a_patch_keeps_typed_input_scroll_and_focus(qtbot):
    view, shown = prepare(qtbot)
    try:
        view.patch_html(page("Version 2", "<p>new row</p>"), "v2")
        qtbot.waitUntil(lambda: shown == ["v1", "v2"], timeout=5000)
        assert state(qtbot, view) == ["Version 2", "typed", 500, "name", 201]
    finally:
        close_and_delete(view)


def test_changed_scripts_mean_a_full_reload(qtbot):
    view, shown = prepare(qtbot)
    try:
        view.patch_html(page("Version 2").replace("() => {}", "() => { console.log(1); }"), "v2")
        qtbot.waitUntil(lambda: shown == ["v1", "v2"], timeout=10000)
        assert state(qtbot, view) == ["Version 2", "", 0, "", 200]
    finally:
        close_and_delete(view)


def test_a_load_cut_short_is_not_reported_as_the_next_page(qtbot):
    view = PreviewView()
    view.show()
    shown = []
    view.page_shown.connect(lambda tag, ms: shown.append(tag))
    try:
        view.show_html(page("First"), "first")
        view.show_html(page("Second"), "second")  # cuts the first load short
        qtbot.waitUntil(lambda: "second" in shown, timeout=10000)
        assert shown == ["second"]
        assert state(qtbot, view)[0] == "Second"
    finally:
        close_and_delete(view)
