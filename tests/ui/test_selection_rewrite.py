"""Select lines, Ctrl+K, say what to change: only those lines change, after the user saw the
diff and accepted it; Esc changes nothing. The model is scripted."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor

from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import close_and_delete, window_with_a_version
from tests.ui.test_history import stored

GREEN = '  <button id="start" style="background: green">Start</button>'


def rewrite_reply(instruction: str) -> str:
    if instruction == "make it green":
        return f"```html\n{GREEN}\n```"
    if instruction == "make both green":  # a model that rewrote the whole page, and more
        return ("```html\n<!DOCTYPE html>\n<html><body>\n" + GREEN + "\n" +
                GREEN.replace("start", "stop") + "\n</body></html>\n```")
    return ("```html\n<!DOCTYPE html>\n<html><body>\n  <button id=\"start\">Start</button>\n"
            "  <button id=\"stop\">Stop</button>\n</body></html>\n```")


@pytest.fixture
def win(qtbot):
    window = window_with_a_version(
        qtbot, ScriptedProvider(reply=rewrite_reply, chunks=6, delay_s=0.02), "two buttons")
    yield window
    close_and_delete(window)


def select_start_line(qtbot, win) -> None:
    code = win.editor.toPlainText()
    cursor = win.editor.textCursor()
    at = code.index('id="start"')
    cursor.setPosition(at)
    cursor.setPosition(at + 8, QTextCursor.MoveMode.KeepAnchor)  # part of the line is enough
    win.editor.setTextCursor(cursor)
    win.editor.setFocus()
    qtbot.keyClick(win.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(win.rewrite.bar.isVisible, timeout=3000)


def test_only_the_selected_lines_change_after_the_diff_is_accepted(qtbot, win):
    before = win.editor.toPlainText()
    win.prompt.set_text_quietly("an unfinished thought")
    select_start_line(qtbot, win)
    assert win.editor.isReadOnly(), "the code the diff is made against stays put"
    qtbot.keyClicks(win.rewrite.bar.instruction, "make it green")
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.rewrite.bar.reviewing, timeout=10000)
    lines = win.rewrite.bar.diff.toPlainText().replace("\xa0", " ").split("\n")
    assert lines == ['\N{MINUS SIGN}   <button id="start">Start</button>', f"+ {GREEN}"]
    removed = win.rewrite.bar.diff.document().firstBlock()
    assert removed.begin().fragment().charFormat().fontStrikeOut(), "struck through"
    assert win.editor.toPlainText() == before, "nothing changes before Accept"
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Return)
    expected = before.replace('  <button id="start">Start</button>', GREEN)
    assert win.editor.toPlainText() == expected
    assert not win.rewrite.bar.isVisible() and not win.editor.isReadOnly()
    assert win.prompt.toPlainText() == "an unfinished thought"
    qtbot.waitUntil(lambda: win.history.list.count() == 2, timeout=5000)
    rows = stored("SELECT instruction, code FROM versions ORDER BY id")
    assert tuple(rows[-1]) == ("Line 3: make it green", expected)


def test_escape_changes_nothing(qtbot, win):
    before = win.editor.toPlainText()
    select_start_line(qtbot, win)
    qtbot.keyClicks(win.rewrite.bar.instruction, "make it green")
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.rewrite.bar.reviewing, timeout=10000)
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Escape)
    assert not win.rewrite.bar.isVisible()
    assert win.editor.toPlainText() == before
    qtbot.wait(300)
    assert win.history.list.count() == 1


def test_a_reply_that_changes_other_lines_is_refused(qtbot, win):
    before = win.editor.toPlainText()
    select_start_line(qtbot, win)
    qtbot.keyClicks(win.rewrite.bar.instruction, "make both green")
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "rewrote more than line" in win.rewrite.bar.status.text(),
                    timeout=10000)
    assert not win.rewrite.bar.reviewing
    qtbot.keyClick(win.rewrite.bar.instruction, Qt.Key.Key_Return)  # nothing to accept
    assert win.editor.toPlainText() == before


def test_ctrl_k_without_a_selection_says_what_to_do(qtbot, win):
    win.editor.setFocus()
    qtbot.keyClick(win.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert "Select the code" in win.state_label.text()
    assert not win.rewrite.bar.isVisible()
