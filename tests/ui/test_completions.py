"""Ghost-text completions in the window's code editor, with a scripted completer standing in
for the model: when a suggestion appears, what each key does with it, and when it must not
appear at all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCursor

from desktop.core.settings import Settings
from desktop.ui.editor.ghost_text import GHOST_COLOR
from tests.fakes.scripted_completer import ScriptedCompleter
from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import close_and_delete, open_window, type_slowly

CODE = ("<!DOCTYPE html>\n<html><body>\n<button id=\"start\">Start</button>\n<script>\n"
        "const start = document.getElementById('start');\nstart.addEvent\n"
        "</script>\n</body></html>\n")
SUGGESTION = "('click', () => go());"


def answer(prefix: str, _suffix: str) -> str:
    return SUGGESTION if prefix.endswith("start.addEventListener") else ""


@pytest.fixture
def win(qtbot):
    provider = ScriptedProvider(chunks=40, delay_s=0.05)
    window = open_window(qtbot, Settings(debounce_ms=200, strong_model_id="",
                                         completion_delay_ms=200), provider=provider)
    # The window looked for a local model to complete with and found the scripted one
    # is not one: wait for that, then complete with the script.
    qtbot.waitUntil(lambda: window.status.completion_label.text() != "", timeout=5000)
    window.provider = provider
    yield window
    close_and_delete(window)


def use(qtbot, win, completer: ScriptedCompleter) -> None:
    win.completions.use(completer)
    assert win.status.completion_label.text() == "Completions: scripted"
    win.editor.set_code_quietly(CODE)
    win.editor.setFocus()
    qtbot.waitUntil(win.editor.hasFocus, timeout=3000)
    cursor = win.editor.textCursor()
    cursor.setPosition(CODE.index("\n</script>"))
    win.editor.setTextCursor(cursor)


def text_with(win, inserted: str) -> str:
    at = CODE.index("\n</script>")
    return CODE[:at] + inserted + CODE[at:]


def ghost_pixels(win) -> int:
    """Pixels of grey text (the ghost's colour, antialiased on white): the code here is
    black or coloured."""
    image = win.editor.viewport().grab().toImage()
    grey = GHOST_COLOR.red()
    count = 0
    for x in range(image.width()):
        for y in range(image.height()):
            colour = QColor(image.pixel(x, y))
            if colour.red() == colour.green() == colour.blue() and \
                    grey - 30 <= colour.red() <= grey + 40:
                count += 1
    return count


def test_a_suggestion_appears_after_a_pause_and_not_while_typing(qtbot, win):
    completer = ScriptedCompleter(answer)
    use(qtbot, win, completer)
    type_slowly(qtbot, win.editor, "Listener", gap_ms=60)  # faster than the pause
    assert completer.requests == [], "asked while the user was still typing"
    qtbot.waitUntil(lambda: win.editor.ghost.active, timeout=3000)
    assert win.editor.ghost.text == SUGGESTION
    assert len(completer.requests) == 1
    # Each key let the model start reading its prompt, and the next key stopped it; the
    # completion asked for after the pause is for the same prompt as the last warm-up.
    assert len(completer.warmed) == len("Listener")
    assert all(request.cancel.is_set() for request in completer.warmed[:-1])
    last = completer.warmed[-1]
    assert (last.prefix, last.suffix) == (completer.requests[0].prefix,
                                          completer.requests[0].suffix)
    assert win.editor.toPlainText() == text_with(win, "Listener"), "ghost text is not code"
    shown = ghost_pixels(win)
    qtbot.keyClick(win.editor, Qt.Key.Key_Escape)
    assert shown > ghost_pixels(win) + 100, "the suggestion was drawn in grey, then not"


def test_tab_inserts_exactly_the_suggestion(qtbot, win):
    completer = ScriptedCompleter(answer)
    use(qtbot, win, completer)
    qtbot.keyClicks(win.editor, "Listener")
    qtbot.waitUntil(lambda: win.editor.ghost.active, timeout=3000)
    qtbot.keyClick(win.editor, Qt.Key.Key_Tab)
    assert win.editor.toPlainText() == text_with(win, "Listener" + SUGGESTION)
    assert not win.editor.ghost.active
    win.editor.undo()
    assert win.editor.toPlainText() == text_with(win, "Listener"), "one undo takes it back"


def test_typing_what_the_ghost_shows_keeps_the_rest_and_ctrl_right_takes_a_word(qtbot, win):
    completer = ScriptedCompleter(answer)
    use(qtbot, win, completer)
    qtbot.keyClicks(win.editor, "Listener")
    qtbot.waitUntil(lambda: win.editor.ghost.active, timeout=3000)
    qtbot.keyClicks(win.editor, "('")
    assert win.editor.ghost.text == SUGGESTION[2:]
    qtbot.keyClick(win.editor, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert win.editor.toPlainText() == text_with(win, "Listener('click")
    assert win.editor.ghost.text == SUGGESTION[len("('click"):]
    qtbot.wait(400)
    assert len(completer.requests) == 1, "a suggestion still on show is not asked again"


@pytest.mark.parametrize("key", [Qt.Key.Key_Escape, Qt.Key.Key_X, Qt.Key.Key_Left])
def test_escape_or_any_other_key_dismisses_it(qtbot, win, key):
    completer = ScriptedCompleter(answer)
    use(qtbot, win, completer)
    qtbot.keyClicks(win.editor, "Listener")
    qtbot.waitUntil(lambda: win.editor.ghost.active, timeout=3000)
    qtbot.keyClick(win.editor, key)
    assert not win.editor.ghost.active
    assert SUGGESTION not in win.editor.toPlainText()


def test_the_next_keystroke_cancels_a_completion_in_flight(qtbot, win):
    completer = ScriptedCompleter(answer)
    completer.hold()
    use(qtbot, win, completer)
    qtbot.keyClicks(win.editor, "Listener")
    qtbot.waitUntil(lambda: len(completer.requests) == 1, timeout=3000)
    qtbot.keyClicks(win.editor, " ")
    qtbot.waitUntil(lambda: len(completer.cancelled) == 1, timeout=1000)
    assert completer.cancelled[0] is completer.requests[0]
    assert completer.warmed[len("Listener") - 1].cancel.is_set(), "its warm-up stops too"
    completer.release()
    qtbot.waitUntil(lambda: len(completer.requests) == 2, timeout=3000)
    qtbot.wait(300)
    assert not win.editor.ghost.active, "no suggestion fits 'addEventListener '"


def test_no_suggestion_appears_over_a_generation_streaming_into_the_editor(qtbot, win):
    completer = ScriptedCompleter(lambda _p, _s: "  // a suggestion")
    completer.hold()
    use(qtbot, win, completer)
    win.editor.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(win.editor, "x")
    qtbot.waitUntil(lambda: len(completer.requests) == 1, timeout=3000)
    qtbot.keyClicks(win.prompt, "a timer")  # the app is regenerated into the editor
    qtbot.waitUntil(lambda: win.loop.requests.running is not None, timeout=3000)
    qtbot.waitUntil(lambda: "a timer" in win.editor.toPlainText(), timeout=5000)
    completer.release()
    qtbot.waitUntil(lambda: win.loop.requests.running is None, timeout=10000)
    qtbot.wait(200)
    assert not win.editor.ghost.active


def test_the_status_bar_says_why_there_are_no_completions(qtbot, win):
    win.settings.completions = False
    win.completions.reopen(None, win.engine.gate)
    qtbot.waitUntil(lambda: win.status.completion_label.text() == "Completions off",
                    timeout=3000)
    assert "Settings" in win.status.completion_label.toolTip()


def test_turning_completions_off_in_settings_takes_effect_at_once(qtbot, win):
    completer = ScriptedCompleter(answer)
    use(qtbot, win, completer)
    dialog = win.models.show_settings()
    dialog.completions.setChecked(False)
    dialog.completion_delay.setValue(300)
    dialog.save()
    qtbot.waitUntil(lambda: win.status.completion_label.text() == "Completions off",
                    timeout=5000)
    assert completer.closed and win.settings.completion_delay_ms == 300
    win.editor.setFocus()
    qtbot.keyClicks(win.editor, "Listener")
    qtbot.wait(500)
    assert not win.editor.ghost.active and len(completer.requests) == 0


def test_without_a_local_model_the_status_bar_says_why(qtbot, tmp_path):
    missing = tmp_path / "gone.gguf"
    window = open_window(qtbot, Settings(strong_model_id="", model_path=str(missing)))
    try:
        qtbot.waitUntil(lambda: window.status.completion_label.text()
                        == "Completions unavailable", timeout=10000)
        assert "could not start" in window.status.completion_label.toolTip()
        assert "gone.gguf" in window.status.completion_label.toolTip()
    finally:
        close_and_delete(window)
