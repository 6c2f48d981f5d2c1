"""In the window: pick the Start button in the real preview, type "make it green", and only
that button changes; Enter keeps it as a version named by its scope; double-click its label,
type "Go", Enter: the source says "Go" and that is a version too. The model is scripted."""

from __future__ import annotations

import json
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from desktop.core.settings import Settings
from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import close_and_delete, open_window, window_with_a_version
from tests.ui.test_element_picker import PICKING, centre_of, js
from tests.ui.test_history import commit, press, stored

TWO_BUTTONS = ("<!DOCTYPE html>\n<html><head><style>\nbutton { font-size: 20px; margin: 20px; }"
               "\n</style></head>\n<body>\n  <button id=\"start\">Start</button>\n"
               "  <button id=\"stop\">Stop</button>\n</body></html>\n")
GREEN = '<button id="start" style="background: green">Start</button>'


def reply(instruction: str) -> str:
    if instruction == "make it green":  # asked for the picked button only
        return f"```html\n{GREEN}\n```"
    if instruction == "make it bold":  # a part that does not fit: the page changes
        return "```html\n<!DOCTYPE html>\n<html><body><b>other</b></body></html>\n```"
    return f"```html\n{TWO_BUTTONS}```"


@pytest.fixture
def win(qtbot):
    provider = ScriptedProvider(reply=reply, chunks=6, delay_s=0.02)
    window = window_with_a_version(qtbot, provider, "two buttons")
    window.provider = provider
    yield window
    close_and_delete(window)


def shaded(win) -> str:
    selections = win.editor.extraSelections()  # kept: its cursors die with the list
    return selections[0].cursor.selectedText() if selections else ""


def wait_until_true(qtbot, view, script: str, timeout: int = 5000) -> None:
    """Ask again every half second until `script` says true: a question that lands while
    a document is replaced is never answered."""
    answers: list = []
    asked = {"at": 0.0}

    def said() -> bool:
        if True in answers:
            return True
        if time.monotonic() - asked["at"] > 0.5:
            asked["at"] = time.monotonic()
            view.page().runJavaScript(script, 0, answers.append)
        return False

    qtbot.waitUntil(said, timeout=timeout)


def pick(qtbot, win, selector: str, timeout: int = 5000, **mods) -> None:
    """`timeout`: longer while a real model computes beside the page."""
    win.scoping.pick_toggle.setChecked(True)
    picking_on(qtbot, win, selector, timeout)
    target = win.preview.focusProxy() or win.preview
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=centre_of(qtbot, win.preview,
                                                                       selector, timeout),
                     **mods)


def picking_on(qtbot, win, selector: str, timeout: int) -> None:
    """Wait until the picker is on in a document that has `selector`: asked of one document
    at once, so a page still loading (the one before it had the picker on) is not taken
    for it."""
    wait_until_true(qtbot, win.preview,
                    f"{PICKING} && document.querySelector({json.dumps(selector)}) !== null",
                    timeout)


def test_a_picked_button_alone_turns_green_and_is_kept_with_its_scope(qtbot, win):
    pick(qtbot, win, "#start")
    qtbot.waitUntil(lambda: win.scoping.chip.isVisible(), timeout=5000)
    assert win.scoping.chip.label.text() == "button#start"
    assert shaded(win) == '<button id="start">Start</button>', "the editor shows where"
    win.prompt.setPlainText("make it green")
    qtbot.waitUntil(lambda: win.loop.draft is not None, timeout=10000)
    assert win.provider.requests[-1].messages[-1].content.rstrip().endswith(
        "Rewrite it so that: make it green")
    assert win.editor.toPlainText() == TWO_BUTTONS.replace(
        '<button id="start">Start</button>', GREEN), "nothing outside the scope changed"
    qtbot.waitUntil(lambda: shaded(win) == GREEN, timeout=3000)  # the shade follows the draft
    qtbot.waitUntil(lambda: js(qtbot, win.preview, "getComputedStyle(document.getElementById"
                               "('start')).backgroundColor") == "rgb(0, 128, 0)", timeout=5000)
    assert js(qtbot, win.preview, "getComputedStyle(document.getElementById('stop'))"
                                  ".backgroundColor") != "rgb(0, 128, 0)"
    press(qtbot, win.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=5000)
    assert win.history.list.item(0).text().split("\n")[0] == "button#start: make it green"
    qtbot.waitUntil(lambda: [tuple(row) for row in stored(
        "SELECT instruction FROM versions ORDER BY id DESC LIMIT 1")]
        == [("button#start: make it green",)], timeout=5000)
    assert win.scoping.chip.label.text() == "button#start", "the scope follows the new button"
    assert shaded(win) == GREEN
    win.scoping.chip.close_button.click()
    assert not win.scoping.chip.isVisible() and win.loop.scope is None


def test_a_reply_that_does_not_fit_the_scope_changes_nothing_and_says_so(qtbot, win):
    pick(qtbot, win, "#stop")
    qtbot.waitUntil(lambda: win.scoping.chip.label.text() == "button#stop", timeout=5000)
    win.prompt.setPlainText("make it bold")
    qtbot.waitUntil(lambda: "nothing changed" in win.banner.text(), timeout=10000)
    assert win.editor.toPlainText() == TWO_BUTTONS


def test_text_typed_into_the_preview_reaches_the_source_as_a_version(qtbot, win):
    pick(qtbot, win, "#start")
    qtbot.waitUntil(lambda: win.scoping.chip.isVisible(), timeout=5000)
    target = win.preview.focusProxy() or win.preview
    point = centre_of(qtbot, win.preview, "#start")
    qtbot.mouseDClick(target, Qt.MouseButton.LeftButton, pos=point)  # Chromium counts this
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=point)  # and this: a double click
    qtbot.waitUntil(lambda: js(qtbot, win.preview, "document.activeElement.id") == "start",
                    timeout=5000)
    qtbot.keyClicks(target, "Go")
    qtbot.keyClick(target, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: '<button id="start">Go</button>' in win.editor.toPlainText(),
                    timeout=5000)
    assert win.loop.base_code == TWO_BUTTONS.replace(">Start<", ">Go<")
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=5000)
    assert "Text of button#start" in win.history.list.item(0).text()
    assert win.scoping.chip.label.text() == "button#start"


def test_selected_lines_become_the_scope(qtbot, win):
    code = win.editor.toPlainText()
    cursor = win.editor.textCursor()
    at = code.index('id="stop"')
    cursor.setPosition(at)
    cursor.setPosition(at + 4, QTextCursor.MoveMode.KeepAnchor)
    win.editor.setTextCursor(cursor)
    line = code[:at].count("\n") + 1
    assert win.scoping.chip.label.text() == f"line {line}"
    assert win.loop.scope is not None
    assert code[win.loop.scope.start:win.loop.scope.end] == '  <button id="stop">Stop</button>'


def test_the_style_panel_writes_the_picked_element_and_rests_into_a_version(qtbot, win):
    pick(qtbot, win, "#start")
    qtbot.waitUntil(win.scoping.style_panel.isVisible, timeout=5000)
    assert win.scoping.style_panel.title.text() == "button#start"
    font = win.scoping.style_panel.sizes["font-size"]
    for size in (24, 26, 28):  # as if dragged: each step reaches the source and the page
        font.setValue(size)
        assert f'<button id="start" style="font-size: {size}px">Start</button>' in \
            win.editor.toPlainText()
        qtbot.waitUntil(lambda s=size: js(qtbot, win.preview, "getComputedStyle(document."
                                          "getElementById('start')).fontSize") == f"{s}px",
                        timeout=3000)
    assert js(qtbot, win.preview, "getComputedStyle(document.getElementById('stop')).fontSize"
              ) == "20px", "only the picked element"
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=5000)  # once it rests
    assert win.history.list.item(0).text().split("\n")[0] == \
        "Style of button#start: font-size 28px"
    assert win.scoping.chip.label.text() == "button#start"
    win.scoping.style_panel.sizes["padding"].setValue(8)
    assert 'style="font-size: 28px; padding: 8px"' in win.loop.base_code


def test_the_cursor_in_an_elements_source_outlines_it_in_the_preview(qtbot, win):
    code = win.editor.toPlainText()
    cursor = win.editor.textCursor()
    cursor.setPosition(code.index(">Stop<"))
    win.editor.setTextCursor(cursor)
    wait_until_true(qtbot, win.preview, "[...document.querySelectorAll('keystroke-outline')]"
                                        ".map(b => b.textContent).join() === 'button#stop'")
    assert not win.scoping.chip.isVisible(), "pointing at it is not aiming at it"


def test_the_shade_follows_the_part_through_a_direct_edit(qtbot, win):
    pick(qtbot, win, "#start")
    qtbot.waitUntil(win.scoping.style_panel.isVisible, timeout=5000)
    win.scoping.style_panel.sizes["padding"].setValue(10)
    assert shaded(win) == '<button id="start" style="padding: 10px">Start</button>'
    assert win.scoping.style_panel.isVisible(), "the panel stays for the next change"


def test_a_scoped_enter_escalates_like_any_other_and_stays_scoped(qtbot):
    fast = ScriptedProvider(reply=reply, chunks=6, delay_s=0.01)
    dark = GREEN.replace("green", "darkgreen")
    strong = ScriptedProvider(reply=lambda i: f"```html\n{dark}\n```" if i == "make it green"
                              else f"```html\n{TWO_BUTTONS}```", delay_s=0.005)
    strong.id = "local-strong"
    window = open_window(qtbot, Settings(debounce_ms=100, completions=False), provider=fast,
                         strong_provider=strong)
    try:
        qtbot.waitUntil(lambda: "local-strong" in window.engine.router.available, timeout=5000)
        commit(qtbot, window, "two buttons")
        pick(qtbot, window, "#start")
        qtbot.waitUntil(lambda: window.scoping.chip.isVisible(), timeout=5000)
        window.prompt.setPlainText("make it green")
        qtbot.waitUntil(lambda: window.loop.draft is not None, timeout=10000)
        qtbot.keyClick(window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.history.list.count() == 2, timeout=10000)
        assert strong.requests[-1].messages[-1].content.rstrip().endswith(
            "Rewrite it so that: make it green"), "the strong model got the scoped request"
        assert window.loop.base_code == TWO_BUTTONS.replace(
            '<button id="start">Start</button>', dark)
        assert window.history.list.item(0).text().split("\n")[0] == \
            "button#start: make it green"
    finally:
        close_and_delete(window)


def test_a_colour_from_the_panel_reaches_the_source_and_becomes_a_version(qtbot, win):
    pick(qtbot, win, "#stop")
    qtbot.waitUntil(win.scoping.style_panel.isVisible, timeout=5000)
    win.scoping.style_panel.colour_buttons["background"].click()
    dialog = win.scoping.style_panel.colour_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.setCurrentColor(QColor("#22c55e"))  # as the user drags in the dialog
    assert '<button id="stop" style="background: #22c55e">Stop</button>' in win.loop.base_code
    wait_until_true(qtbot, win.preview, "getComputedStyle(document.getElementById('stop'))"
                                        ".backgroundColor === 'rgb(34, 197, 94)'")
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=5000)
    assert win.history.list.item(0).text().split("\n")[0] == \
        "Style of button#stop: background #22c55e"
    dialog.close()
