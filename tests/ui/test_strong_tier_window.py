"""The offline strong tier in the window: with no Anthropic key, what Enter escalates goes
to the local strong model (a scripted stand-in here; tests/e2e/test_two_local_models.py
runs the real 1.5B), the reason is shown, and its page is the version kept."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from desktop.core.settings import Settings
from tests.fakes.scripted_provider import ScriptedProvider, page_for
from tests.ui.conftest import close_and_delete, open_window

THROWING = ("```html\n<!DOCTYPE html>\n<html><body><h1>Broken</h1>\n"
            "<script>document.getElementById('missing').textContent = 'x';</script>\n"
            "</body></html>\n```")


@pytest.fixture
def models():
    fast = ScriptedProvider(delay_s=0.005)
    strong = ScriptedProvider(reply=lambda i: f"```html\n{page_for('strong: ' + i)}```",
                              delay_s=0.005)
    strong.id = "local-strong"
    return fast, strong


@pytest.fixture
def offline_window(qtbot, models):
    fast, strong = models
    win = open_window(qtbot, Settings(debounce_ms=100), provider=fast, strong_provider=strong)
    qtbot.waitUntil(lambda: "local-strong" in win.engine.router.available, timeout=5000)
    yield win
    close_and_delete(win)


def settle(qtbot, win):
    qtbot.waitUntil(lambda: not win.loop.busy, timeout=10000)


def test_the_window_shows_both_local_tiers(offline_window):
    assert offline_window.model_label.text() == (
        "Model: scripted · Strong: qwen2.5-coder-1.5b, local")
    assert offline_window.strong_toggle.isEnabled()
    assert "qwen2.5-coder-1.5b, local" in offline_window.strong_toggle.toolTip()


def test_ctrl_enter_offline_asks_the_local_strong_model_and_keeps_its_page(
        qtbot, offline_window, models):
    strong = models[1]
    offline_window.prompt.setPlainText("a chess clock")
    settle(qtbot, offline_window)
    assert strong.requests == [], "drafts never go to the strong model"
    qtbot.keyClick(offline_window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: offline_window.history.list.count() == 1, timeout=10000)
    assert strong.instructions == ["a chess clock"]
    assert offline_window.loop.base_code == page_for("strong: a chess clock")
    route = offline_window.status.route_label.toolTip()
    assert route == ("local strong model: asked for Claude (Claude: no Anthropic key "
                     "is set (Settings → Providers))")


def test_a_draft_that_throws_is_kept_and_fixed_by_the_local_strong_model_on_enter(
        qtbot, offline_window, models):
    """Never the bare request again: the strong model gets the draft and its error."""
    fast, strong = models
    fast.reply = lambda _i: THROWING
    offline_window.prompt.setPlainText("a counter")
    qtbot.waitUntil(lambda: offline_window.error_bar.isVisible(), timeout=10000)
    qtbot.keyClick(offline_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: offline_window.history.list.count() == 2, timeout=10000)
    [fix] = strong.instructions
    assert fix.startswith("Fix these errors") and "Cannot set properties of null" in fix
    assert "The app was asked for: a counter" in fix
    assert "<h1>Broken</h1>" in strong.requests[0].messages[-1].content
    assert offline_window.loop.base_code == page_for(f"strong: {fix}")
    route = offline_window.status.route_label.toolTip()
    assert "local strong model: the fast result failed (the page threw" in route


def test_a_working_draft_is_kept_as_it_is_on_a_plain_enter(qtbot, offline_window, models):
    strong = models[1]
    offline_window.prompt.setPlainText("a dice roller")
    settle(qtbot, offline_window)
    qtbot.keyClick(offline_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: offline_window.history.list.count() == 1, timeout=10000)
    assert strong.requests == []
    assert offline_window.loop.base_code == page_for("a dice roller")


def test_a_strong_model_that_writes_fast_here_is_offered_as_the_drafter_from_next_start(
        qtbot, models):
    """Its real replies say how fast it writes on this machine; at drafting speed it drafts
    from the next start (the next fast-model load), and the user is told so."""
    from desktop.core.local_models.loading import wanted_model

    fast, strong = models
    strong.chunks, strong.delay_s = 400, 0.001  # 400 tokens at hundreds a second
    win = open_window(qtbot, Settings(debounce_ms=100, completions=False), provider=fast,
                      strong_provider=strong)
    try:
        qtbot.waitUntil(lambda: "local-strong" in win.engine.router.available, timeout=5000)
        assert wanted_model(win.settings) == ""
        win.prompt.setPlainText("a chess clock")
        settle(qtbot, win)
        qtbot.keyClick(win.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: win.history.list.count() == 1, timeout=10000)
        qtbot.waitUntil(lambda: win.banner.isVisible(), timeout=5000)
        assert "fast enough to draft" in win.banner.text()
        assert "It drafts from the next start" in win.banner.text()
        assert wanted_model(win.settings) == "qwen2.5-coder-1.5b"
        qtbot.waitUntil(lambda: Settings.load().model_speed.get(
            "qwen2.5-coder-1.5b", {}).get("in_use") is True, timeout=5000)
        assert win.loop.engine.local is fast, "the model being typed to is not taken away"
    finally:
        close_and_delete(win)


def test_short_strong_replies_say_nothing_about_drafting(qtbot, offline_window, models):
    offline_window.prompt.setPlainText("a chess clock")
    settle(qtbot, offline_window)
    qtbot.keyClick(offline_window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: offline_window.history.list.count() == 1, timeout=10000)
    assert offline_window.settings.model_speed == {}
    assert "draft" not in offline_window.banner.text()
