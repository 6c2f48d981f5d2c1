"""Errors in the preview are caught and offered for fixing; Fix it makes a new version."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core.settings import Settings
from desktop.ui.preview.host import AUTO_FIX_DELAY_MS, SETTLE_MS
from tests.fakes.scripted_provider import ScriptedProvider, page_for
from tests.ui.conftest import close_and_delete, open_window

BROKEN = ("```html\n<!DOCTYPE html>\n<html><body><h1>Counter</h1>\n"
          "<script>document.getElementById('count').textContent = '0';</script>\n"
          "</body></html>\n```")
BLANK = ("```html\n<!DOCTYPE html>\n<html><body><div style=\"display:none\">x</div>"
         "</body></html>\n```")


def replies(first: str):
    def reply(instruction: str) -> str:
        if instruction.startswith("Fix these errors"):
            return f"```html\n{page_for('fixed counter')}```"
        return first
    return reply


@pytest.fixture
def make_window(qtbot):
    made = []

    def make(provider):
        win = open_window(qtbot, Settings(debounce_ms=100, strong_model_id=""),
                          provider=provider)
        made.append(win)
        return win

    yield make
    for win in made:
        close_and_delete(win)


def test_a_page_that_throws_shows_the_error_and_fix_it_makes_a_working_version(qtbot,
                                                                               make_window):
    provider = ScriptedProvider(reply=replies(BROKEN), delay_s=0.005)
    win = make_window(provider)
    win.prompt.setPlainText("a counter")
    qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=10000)
    assert win.error_bar.label.text().startswith("1 problem — Uncaught TypeError")
    qtbot.mouseClick(win.error_bar.fix_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=10000)
    assert win.loop.base_code == page_for("fixed counter")
    fix_request = provider.requests[-1].messages[-1].content
    assert "Cannot set properties of null" in fix_request
    assert "<h1>Counter</h1>" in fix_request  # the broken page, kept first, is what it fixes
    # The fixed page loads and runs (and is tried out): nothing is reported.
    with qtbot.assertNotEmitted(win.preview.error_logged, wait=SETTLE_MS + 1000):
        qtbot.waitUntil(lambda: "fixed counter" in win.editor.toPlainText(), timeout=5000)
    assert not win.error_bar.isVisible()
    instructions = [win.history.list.item(i).text().split("\n")[0] for i in range(2)]
    assert instructions == ["Fix: Uncaught TypeError: Cannot set properties of null (setting "
                            "'textContent') (line 3)", "a counter"]


def test_a_blank_page_counts_as_an_error(qtbot, make_window):
    win = make_window(ScriptedProvider(reply=replies(BLANK), delay_s=0.005))
    win.prompt.setPlainText("a counter")
    qtbot.waitUntil(lambda: win.error_bar.isVisible(), timeout=10000)
    assert "The page is blank" in win.error_bar.label.text()


def test_auto_fix_tries_the_fast_tier_then_the_strong_one_and_stops_at_two(qtbot,
                                                                           make_window):
    provider = ScriptedProvider(reply=lambda _i: BROKEN, delay_s=0.005)  # never fixed
    win = make_window(provider)
    win.settings.auto_fix = True
    win.prompt.setPlainText("a counter")
    qtbot.waitUntil(lambda: not win.loop.busy, timeout=10000)
    qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.history.list.count() == 3, timeout=15000)
    fixes = [r for r in provider.requests
             if r.messages[-1].content.rstrip().split("Change it as follows: ")[-1]
             .startswith("Fix these errors")]
    assert len(fixes) == 2
    assert "fixing errors, but no Anthropic key is set" in win.status.route_label.toolTip()
    qtbot.waitUntil(win.error_bar.isVisible, timeout=10000)  # the second fix failed too
    with qtbot.assertNotEmitted(win.host.fix_requested, wait=AUTO_FIX_DELAY_MS + 1000):
        pass  # no third try
    assert win.history.list.count() == 3 and win.error_bar.isVisible()
    assert win.error_bar.fix_button.isEnabled()
