"""The keystroke loop as a user meets it, driven through the real window with a scripted
provider standing in for the model."""

from PySide6.QtCore import Qt

from tests.fakes.scripted_provider import ScriptedProvider, page_for
from tests.ui.conftest import close_and_delete, press, type_slowly


def wait_idle(qtbot, window, timeout=10000):
    qtbot.waitUntil(lambda: not window.loop.busy, timeout=timeout)


def test_fast_typing_starts_at_most_two_generations(qtbot, window, provider, preview):
    provider.delay_s = 0.1  # a slow model: 1.2 s per reply
    type_slowly(qtbot, window.prompt, "t", gap_ms=350)  # a pause: the first request starts
    type_slowly(qtbot, window.prompt, "imer", gap_ms=60)  # four quick keystrokes
    wait_idle(qtbot, window)
    assert window.loop.generations_started <= 2
    assert provider.instructions[-1] == "timer"
    # Whatever started before the last keystroke was cancelled, not finished.
    assert provider.completed == ["timer"]
    assert provider.cancelled == provider.instructions[:-1]
    preview.wait_for_text("Generated for: timer")
    assert window.editor.toPlainText() == page_for("timer")


def test_the_page_streams_into_the_editor_and_preview(qtbot, window, provider):
    provider.delay_s = 0.08
    shown = []
    window.loop.code_shown.connect(lambda code, final, tag: shown.append(final))
    window.prompt.setPlainText("a clock")
    wait_idle(qtbot, window)
    assert shown.count(False) >= 2, "partial pages were shown while streaming"
    assert shown[-1] is True


def test_enter_commits_and_the_next_instruction_builds_on_it(qtbot, window, provider):
    window.prompt.setPlainText("a counter")
    wait_idle(qtbot, window)
    press(qtbot, window.prompt, Qt.Key.Key_Return)
    assert window.loop.base_code == page_for("a counter")
    assert window.prompt.toPlainText() == ""
    # While the user thinks, the model is handed the new code to read ahead.
    qtbot.waitUntil(lambda: len(provider.prefilled) == 1, timeout=5000)
    assert page_for("a counter").strip() in provider.prefilled[0]
    window.prompt.setPlainText("make it blue")
    wait_idle(qtbot, window)
    sent = provider.requests[-1].messages[-1].content
    assert page_for("a counter").strip() in sent
    assert sent.startswith(provider.prefilled[0])  # everything read ahead is reused


def test_enter_while_generating_commits_when_it_finishes(qtbot, window, provider):
    provider.delay_s = 0.1
    window.prompt.setPlainText("a stopwatch")
    press(qtbot, window.prompt, Qt.Key.Key_Return)  # before the debounce even fired
    qtbot.waitUntil(lambda: window.loop.base_code == page_for("a stopwatch"),
                    timeout=10000)
    assert len(provider.requests) == 1


def test_escape_cancels_and_restores_the_kept_version(qtbot, window, provider, preview):
    window.prompt.setPlainText("version one")
    wait_idle(qtbot, window)
    press(qtbot, window.prompt, Qt.Key.Key_Return)
    provider.delay_s = 0.2
    window.prompt.setPlainText("version two")
    qtbot.waitUntil(lambda: len(provider.requests) == 2, timeout=5000)
    press(qtbot, window.prompt, Qt.Key.Key_Escape)
    assert window.editor.toPlainText() == page_for("version one")
    preview.wait_for_text("Generated for: version one")
    qtbot.waitUntil(lambda: provider.cancelled == ["version two"], timeout=5000)
    assert window.loop.base_code == page_for("version one")


def test_a_cached_instruction_shows_without_a_model_call(qtbot, window, provider, preview):
    window.prompt.setPlainText("a dice roller")
    wait_idle(qtbot, window)
    type_slowly(qtbot, window.prompt, "s", gap_ms=0)
    wait_idle(qtbot, window)
    calls = len(provider.requests)
    press(qtbot, window.prompt, Qt.Key.Key_Backspace)  # back to "a dice roller"
    wait_idle(qtbot, window)
    assert len(provider.requests) == calls
    assert window.editor.toPlainText() == page_for("a dice roller")
    assert "from cache" in window.metrics_label.text()
    preview.wait_for_text("Generated for: a dice roller")


def test_hand_edits_reach_the_preview_without_the_model(qtbot, window, provider, preview):
    window.editor.setPlainText("<html><body><h1>Made by hand</h1></body></html>")
    preview.wait_for_text("Made by hand")
    window.editor.moveCursor(window.editor.textCursor().MoveOperation.End)
    qtbot.keyClicks(window.editor, "<p>typed</p>")
    preview.wait_for_text("typed")
    assert provider.requests == []
    assert "Made by hand" in window.loop.base_code


def test_a_reply_without_code_keeps_the_preview_and_says_so(qtbot, window, provider, preview):
    window.prompt.setPlainText("a calendar")
    wait_idle(qtbot, window)
    press(qtbot, window.prompt, Qt.Key.Key_Return)
    provider.reply = lambda _i: "Sorry, I am not able to help with that."
    window.prompt.setPlainText("do something odd")
    wait_idle(qtbot, window)
    assert "no code" in window.banner.text() and window.banner.isVisible()
    preview.wait_for_text("Generated for: a calendar")
    assert window.editor.toPlainText() == page_for("a calendar")


def test_status_bar_reports_speed_and_latency(qtbot, window):
    latencies = []
    window.loop.latency_measured.connect(latencies.append)
    window.prompt.setPlainText("a quiz")
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: bool(latencies), timeout=5000)
    assert 150 <= latencies[0] < 5000  # includes the 200 ms debounce
    assert "first token" in window.metrics_label.text()
    assert "key→preview" in window.metrics_label.text()
    assert "scripted" in window.model_label.text()


def test_model_failure_is_shown_with_the_fix(qtbot, keystroke_home, tmp_path):
    from desktop.core.settings import Settings
    from desktop.ui.window.main_window import MainWindow

    bogus = tmp_path / "broken.gguf"
    bogus.write_text("not a model")
    win = MainWindow(Settings(), model_override=str(bogus))
    win.show()
    try:
        qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=10000)
        assert "not a GGUF" in win.banner.text() and "Fix:" in win.banner.text()
        assert win.engine.local is None
    finally:
        close_and_delete(win)


def test_scripted_provider_is_not_a_shortcut():
    """The fake must honour cancel like a model does, or the tests above prove nothing."""
    import threading

    from desktop.core.providers.base import ChatRequest, Message

    request = ChatRequest([Message("user", "The app: x")], cancel=threading.Event())
    stream = ScriptedProvider(chunks=5, delay_s=0).stream(request)
    next(stream)
    request.cancel.set()
    assert list(stream)[-1].finish_reason == "cancelled"


def test_enter_never_keeps_a_page_made_for_an_older_prefix(qtbot, window, provider):
    """A generation for "a clo" finishing after "ck" was typed (debounce still pending) is
    shown, but Enter must keep the page for "a clock", not for "a clo"."""
    provider.delay_s = 0.02
    window.loop.settings.debounce_ms = 600
    window.prompt.setPlainText("a clo")
    qtbot.waitUntil(lambda: len(provider.requests) == 1, timeout=5000)
    window.prompt.setPlainText("a clock")  # debounce pending while "a clo" finishes
    qtbot.waitUntil(lambda: provider.completed == ["a clo"], timeout=5000)
    press(qtbot, window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.loop.base_code != "", timeout=10000)
    assert window.loop.base_code == page_for("a clock")
