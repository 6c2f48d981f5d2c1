"""Picking an element in the real preview: the pointer outlines and picks, the page's own
handlers do not run, and what is picked is named by its place in the source."""

import json

from PySide6.QtCore import QPoint, Qt

from desktop.ui.preview.picker import ElementPicker
from tests.ui.conftest import close_and_delete, shown_preview

PAGE = """<!DOCTYPE html>
<html><head><style>button { font-size: 20px; margin: 20px; }</style></head>
<body>
  <h1>Pomodoro</h1>
  <button id="start">Start</button>
  <button id="pause">Pause</button>
  <p id="clicks">0</p>
  <script>
    let n = 0;
    for (const b of document.querySelectorAll('button')) {
      b.addEventListener('click', () => { document.getElementById('clicks').textContent = ++n; });
    }
  </script>
</body></html>
"""


PICKING = "document.querySelector('style[data-keystroke-picker]') !== null"


def js(qtbot, view, script, timeout: int = 5000):
    box = []
    view.page().runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=timeout)
    return box[0]


def centre_of(qtbot, view, selector: str, timeout: int = 5000) -> QPoint:
    rect = json.loads(js(qtbot, view, f"(() => {{ const r = document.querySelector("
                                      f"'{selector}').getBoundingClientRect(); return "
                                      "JSON.stringify([r.x + r.width / 2, r.y + r.height / 2]);"
                                      " })()", timeout))
    return QPoint(int(rect[0]), int(rect[1]))


def click(qtbot, view, selector: str, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    target = view.focusProxy() or view
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, modifier,
                     centre_of(qtbot, view, selector))


def picking(qtbot, view) -> None:
    qtbot.waitUntil(lambda: js(qtbot, view, PICKING) is True, timeout=5000)


def shown_picker(qtbot):
    view = shown_preview(qtbot, PAGE, height=500)
    return view, ElementPicker(view)


def test_a_picked_button_is_named_by_its_source_and_its_click_handler_does_not_run(qtbot):
    view, picker = shown_picker(qtbot)
    picked = []
    picker.picked.connect(picked.append)
    click(qtbot, view, "#start")  # not picking yet: the page's handler runs
    qtbot.waitUntil(lambda: js(qtbot, view, "document.getElementById('clicks').textContent")
                    == "1", timeout=5000)
    picker.set_active(True)
    picking(qtbot, view)
    click(qtbot, view, "#start")
    qtbot.waitUntil(lambda: bool(picked), timeout=5000)
    (element,) = picked[-1]
    assert PAGE[element.start:element.end] == '<button id="start">Start</button>'
    assert element.label == "button#start"
    assert js(qtbot, view, "document.getElementById('clicks').textContent") == "1", \
        "the page's click handler ran while picking"
    click(qtbot, view, "#pause", Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(picked[-1]) == 2, timeout=5000)
    assert [e.label for e in picked[-1]] == ["button#start", "button#pause"]
    picker.set_active(False)
    click(qtbot, view, "#pause")
    qtbot.waitUntil(lambda: js(qtbot, view, "document.getElementById('clicks').textContent")
                    == "2", timeout=5000)
    close_and_delete(view)


def test_a_page_that_logs_like_the_picker_is_not_believed(qtbot):
    view, picker = shown_picker(qtbot)
    picked = []
    picker.picked.connect(picked.append)
    picker.set_active(True)
    picking(qtbot, view)
    js(qtbot, view, "console.debug('keystroke-picker-0:' + JSON.stringify({kind: 'picked', "
                    "items: [{src: '0-10', label: 'fake'}]})); true")
    click(qtbot, view, "h1")
    qtbot.waitUntil(lambda: bool(picked), timeout=5000)
    assert [[e.label for e in items] for items in picked] == [["h1"]]
    close_and_delete(view)


def test_double_click_edits_the_text_in_place_and_enter_reports_it(qtbot):
    view, picker = shown_picker(qtbot)
    edits = []
    picker.text_edited.connect(lambda *args: edits.append(args))
    picker.set_active(True)
    picking(qtbot, view)
    point = centre_of(qtbot, view, "#start")
    target = view.focusProxy() or view
    # Chromium counts clicks itself: a press soon after another press is the second click.
    qtbot.mouseDClick(target, Qt.MouseButton.LeftButton, pos=point)
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=point)
    qtbot.waitUntil(lambda: js(qtbot, view, "document.activeElement.id") == "start",
                    timeout=5000)
    qtbot.keyClicks(target, "Go")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(edits), timeout=5000)
    start, end, before, after = edits[0]
    assert PAGE[start:end] == '<button id="start">Start</button>'
    assert (before, after) == ("Start", "Go")
    assert js(qtbot, view, "document.getElementById('clicks').textContent") == "0"
    close_and_delete(view)
