"""Trying the app out in the window: a draft whose Stop does nothing is caught and named,
Enter has the strong tier fix it (with what was found, never the bare request again), and
the fixed version's badge says it works; a fix that is no better gives way; typing stops
auto-fix."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from desktop.core.settings import Settings
from desktop.ui.preview.host import AUTO_FIX_DELAY_MS
from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import close_and_delete, open_window
from tests.ui.test_history import stored
from tests.ui.test_self_test import DEAD_STOP, WORKING_STOPWATCH

REQUEST = "a stopwatch with Start and Stop buttons"
THROWS_ON_START = WORKING_STOPWATCH.replace("if (!timer)", "undefinedThing(); if (!timer)")


def html(page: str) -> str:
    return f"```html\n{page}\n```"


@pytest.fixture
def models():
    fast = ScriptedProvider(reply=lambda _i: html(DEAD_STOP), delay_s=0.005)
    strong = ScriptedProvider(reply=lambda _i: html(WORKING_STOPWATCH), delay_s=0.005)
    strong.id = "local-strong"
    return fast, strong


@pytest.fixture
def offline_window(qtbot, models):
    fast, strong = models
    win = open_window(qtbot, Settings(debounce_ms=100, completions=False), provider=fast,
                      strong_provider=strong)
    qtbot.waitUntil(lambda: "local-strong" in win.engine.router.available, timeout=15000)
    yield win
    close_and_delete(win)


def badges(win) -> list[str]:
    """The second line of each History entry starts with its badge (newest first)."""
    return [win.history.list.item(i).text().split("\n")[-1].split(" · ")[0]
            for i in range(win.history.list.count())]


def test_a_dead_stop_button_is_named_and_fixed_after_enter_without_a_click(
        qtbot, offline_window, models):
    strong = models[1]
    win = offline_window
    win.prompt.setPlainText(REQUEST)
    qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=15000)
    assert "Clicking Stop changed nothing" in win.error_bar.label.text()
    assert win.status.self_test_label.text() == "\u26a0 1 problem"
    assert strong.requests == []  # drafts are the fast tier's
    with qtbot.waitSignal(win.host.tested, timeout=20000,
                          check_params_cb=lambda code, _r: code == win.loop.base_code
                          and "clearInterval" in code):
        qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=15000)
    qtbot.waitUntil(lambda: badges(win)[0] == "\u2713 works", timeout=15000)
    assert badges(win) == ["\u2713 works", "\u26a0 1 problem"]
    assert win.status.self_test_label.text() == "\u2713 works"
    assert not win.error_bar.isVisible()
    [asked] = strong.instructions
    assert asked.startswith("Fix these errors") and "Clicking Stop changed nothing" in asked
    assert f"The app was asked for: {REQUEST}" in asked
    assert "console.log('stopping')" in strong.requests[0].messages[-1].content  # the draft
    route = win.status.route_label.toolTip()
    assert "the fast result failed (the self-test found: Clicking Stop changed nothing)" in route
    found = [json.loads(row[0]) for row in stored(
        "SELECT self_test FROM versions ORDER BY id")]
    assert [f["badge"] for f in found] == ["1 problem", "works"]
    assert found[0]["findings"][0]["text"] == "Clicking Stop changed nothing"


def test_a_fix_that_is_no_better_gives_way_to_the_version_it_fixed(qtbot, offline_window,
                                                                   models):
    strong = models[1]
    strong.reply = lambda _i: html(THROWS_ON_START)
    win = offline_window
    win.settings.auto_fix = False
    win.prompt.setPlainText(REQUEST)
    qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=15000)
    qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=15000)
    qtbot.waitUntil(lambda: "The fix was not better" in win.banner.text(), timeout=15000)
    assert win.loop.base_code.strip() == DEAD_STOP  # the next change builds on the better one
    assert badges(win)[0] == "\u2717 throws"  # the attempt stays in History
    assert "undefinedThing is not defined" in win.history.list.item(0).toolTip()


def test_typing_stops_auto_fix(qtbot, models):
    fast, _strong = models
    win = open_window(qtbot, Settings(debounce_ms=100, completions=False, strong_model_id=""),
                      provider=fast)
    try:
        assert win.settings.auto_fix, "on by default"
        win.prompt.setPlainText(REQUEST)
        qtbot.waitUntil(lambda: win.loop.draft is not None, timeout=10000)
        qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=15000)
        qtbot.keyClick(win.prompt, Qt.Key.Key_Return)  # kept: what its test found is fixed
        qtbot.waitUntil(lambda: win.history.list.count() == 1, timeout=15000)
        asked = len(fast.requests)
        qtbot.keyClick(win.prompt, Qt.Key.Key_A)  # the person takes over
        with qtbot.assertNotEmitted(win.host.fix_requested, wait=AUTO_FIX_DELAY_MS + 500):
            pass
        assert not any(i.startswith("Fix these errors") for i in fast.instructions[asked:])
    finally:
        close_and_delete(win)


def test_auto_fix_after_enter_sends_the_findings_and_keeps_a_better_fix(qtbot, models):
    fast, _strong = models
    fast.reply = lambda i: html(WORKING_STOPWATCH if i.startswith("Fix these") else DEAD_STOP)
    win = open_window(qtbot, Settings(debounce_ms=100, completions=False, strong_model_id=""),
                      provider=fast)
    try:
        win.prompt.setPlainText(REQUEST)
        qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=15000)
        qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=15000)
        qtbot.waitUntil(lambda: badges(win)[0] == "\u2713 works", timeout=15000)
        fix = next(i for i in fast.instructions if i.startswith("Fix these errors"))
        assert "Clicking Stop changed nothing" in fix
        assert win.loop.base_code.strip() == WORKING_STOPWATCH
    finally:
        close_and_delete(win)
