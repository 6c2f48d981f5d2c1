"""The window with cloud providers: the real SDKs against the fake servers, a scripted
provider standing in for the local model."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import Qt

from desktop.core import paths
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects import history
from desktop.core.settings import Settings
from desktop.ui.dialogs.settings_dialog import SettingsDialog
from tests.fakes.cloud_env import ANTHROPIC_KEY, CEREBRAS_KEY
from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import PreviewReader, close_and_delete, open_window

THROWING_PAGE = ("```html\n<!DOCTYPE html>\n<html><body><h1>Broken</h1>\n"
                 "<script>document.getElementById('missing').textContent = 'x';</script>\n"
                 "</body></html>\n```")


@pytest.fixture
def local() -> ScriptedProvider:
    return ScriptedProvider(chunks=12, delay_s=0.01)


@pytest.fixture
def cloud_window(qtbot, cloud_env, local):
    win = open_window(qtbot, Settings(debounce_ms=150, strong_model_id=""), provider=local)
    qtbot.waitUntil(lambda: "cerebras" in win.engine.router.available, timeout=5000)
    yield win
    close_and_delete(win)


def settle(qtbot, win, timeout=10000):
    qtbot.waitUntil(lambda: not win.loop.busy, timeout=timeout)


def test_keystrokes_stream_from_cerebras_and_the_route_is_shown(qtbot, cloud_window, cloud_env,
                                                                local):
    claude = cloud_env[1]
    assert cloud_window.model_label.text() == ("Fast: Cerebras gpt-oss-120b · Strong: "
                                               "Claude claude-sonnet-5-5")
    cloud_window.prompt.setPlainText("a habit tracker")
    settle(qtbot, cloud_window)
    PreviewReader(qtbot, cloud_window.preview).wait_for_text("a habit tracker")
    assert "Served by a fake cloud model" in cloud_window.editor.toPlainText()
    assert cloud_window.status.route_label.text() == "Route: fast tier: Cerebras"
    assert local.requests == [] and claude.posts("/v1/messages") == []


def test_ctrl_enter_asks_claude_and_keeps_its_page(qtbot, cloud_window, cloud_env):
    claude = cloud_env[1]
    cloud_window.prompt.setPlainText("a kanban board")
    settle(qtbot, cloud_window)
    qtbot.keyClick(cloud_window.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: cloud_window.history.list.count() == 1, timeout=10000)
    assert len(claude.posts("/v1/messages")) == 1
    assert "Claude: asked for Claude" in cloud_window.status.route_label.toolTip()
    assert "a kanban board" in cloud_window.loop.base_code


def test_a_hard_request_escalates_on_enter(qtbot, cloud_window, cloud_env):
    claude = cloud_env[1]
    cloud_window.prompt.setPlainText("a sign in form that checks the password strength")
    settle(qtbot, cloud_window)
    assert claude.posts("/v1/messages") == []  # never per keystroke
    qtbot.keyClick(cloud_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cloud_window.history.list.count() == 1, timeout=10000)
    assert len(claude.posts("/v1/messages")) == 1
    assert "needs auth" in cloud_window.status.route_label.toolTip()


def test_a_failing_fast_tier_falls_back_to_local_and_says_so(qtbot, cloud_window, cloud_env,
                                                             local):
    chat, _ = cloud_env
    chat.fail_next(503, message="Service Unavailable", times=3)
    cloud_window.prompt.setPlainText("a dice roller")
    settle(qtbot, cloud_window)
    qtbot.waitUntil(lambda: local.completed == ["a dice roller"], timeout=10000)
    assert "Cerebras failed, fell back" in cloud_window.status.route_label.toolTip()
    assert cloud_window.banner.isVisible()
    assert "Cerebras returned 503" in cloud_window.banner.text()
    assert "Used the local model instead" in cloud_window.banner.text()


def test_the_spending_cap_stops_escalation_and_says_why(qtbot, cloud_window, cloud_env):
    claude = cloud_env[1]
    cloud_window.settings.daily_spend_cap_usd = 1.0
    earlier = GenerationResult("<p>x</p>", "reply", "anthropic", "claude-sonnet-5-5", "stop",
                               tokens_in=0, tokens_out=100_000)  # $1.50 at $15 per million
    project_id = cloud_window.session.project.id
    cloud_window.store.call(lambda s: history.record_draft(s, project_id, "earlier", earlier))
    cloud_window.prompt.setPlainText("/sonnet a chess clock")
    settle(qtbot, cloud_window)
    # The window reads today's spend from the store after each reply (off the GUI thread).
    qtbot.waitUntil(lambda: cloud_window.spent_today_usd >= 1.5, timeout=5000)
    qtbot.keyClick(cloud_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cloud_window.history.list.count() == 1, timeout=10000)
    assert claude.posts("/v1/messages") == []
    assert "$1.50 reached the $1.00 daily cap" in cloud_window.status.route_label.toolTip()


def test_settings_tests_connections_and_keeps_keys_out_of_the_settings_file(qtbot, cloud_env,
                                                                            monkeypatch):
    monkeypatch.delenv("CEREBRAS_API_KEY")
    settings = Settings()
    dialog = SettingsDialog(settings)
    dialog.show()
    cerebras = dialog.fields["cerebras"]
    qtbot.waitUntil(lambda: "not set" in cerebras.key.placeholderText(), timeout=5000)
    assert dialog.keyring_note.isVisible() and "session only" in dialog.keyring_note.text()
    results = []
    dialog.tested.connect(lambda pid, ok, text: results.append((pid, ok, text)))
    cerebras.key.setText("csk-wrong-key-000000")
    dialog.test_connection("cerebras")
    qtbot.waitUntil(lambda: len(results) == 1, timeout=10000)
    assert results[0][:2] == ("cerebras", False) and "401" in results[0][2]
    assert "Settings → Providers" in cerebras.result.text()
    cerebras.key.setText(CEREBRAS_KEY)
    assert cerebras.key.displayText() != CEREBRAS_KEY  # never shown on screen
    dialog.test_connection("cerebras")
    qtbot.waitUntil(lambda: len(results) == 2, timeout=10000)
    assert results[1][1] and "Connected: 3 models" in results[1][2]
    assert cerebras.model.findText("zai-glm-4.7") >= 0
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save()
    saved = (paths.settings_file()).read_text(encoding="utf-8")
    assert CEREBRAS_KEY not in saved and ANTHROPIC_KEY not in saved
    assert json.loads(saved)["cerebras_model"] == "gpt-oss-120b"
    from desktop.core import keys

    assert keys.lookup("cerebras", "CEREBRAS_API_KEY") == keys.KeyLookup(CEREBRAS_KEY, "session")
    dialog.deleteLater()


def test_a_fast_page_that_throws_is_kept_and_fixed_by_claude_on_enter(qtbot, cloud_window,
                                                                      cloud_env):
    chat, claude = cloud_env
    chat.reply = lambda _instruction: THROWING_PAGE
    cloud_window.prompt.setPlainText("a broken counter")
    settle(qtbot, cloud_window)
    qtbot.waitUntil(lambda: cloud_window.preview.report.uncaught != [], timeout=10000)
    qtbot.keyClick(cloud_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cloud_window.history.list.count() == 2, timeout=10000)
    [fix] = claude.posts("/v1/messages")
    asked = json.dumps(fix.body["messages"][-1]["content"])
    assert "Fix these errors" in asked and "The app was asked for: a broken counter" in asked
    assert "the fast result failed (the page threw" in cloud_window.status.route_label.toolTip()
    assert "Fix these errors" in cloud_window.loop.base_code  # Claude's page was kept


def test_after_the_first_commit_the_fast_model_names_the_app(qtbot, cloud_window, cloud_env):
    chat = cloud_env[0]
    page = chat.reply
    chat.reply = lambda text: "Streak Keeper" if "Do not write code" in text else page(text)
    cloud_window.prompt.setPlainText("a habit tracker with streaks")
    settle(qtbot, cloud_window)
    qtbot.keyClick(cloud_window.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cloud_window.windowTitle() == "Keystroke — streak-keeper",
                    timeout=10000)
    assert cloud_window.session.project.name == "streak-keeper"


def test_fix_it_sends_claude_the_errors_and_a_screenshot(qtbot, cloud_window, cloud_env):
    import base64

    chat, claude = cloud_env
    chat.reply = lambda _instruction: THROWING_PAGE
    cloud_window.prompt.setPlainText("a broken counter")
    qtbot.waitUntil(lambda: cloud_window.error_bar.isVisible(), timeout=10000)
    qtbot.mouseClick(cloud_window.error_bar.fix_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: cloud_window.history.list.count() == 2, timeout=10000)
    [sent] = claude.posts("/v1/messages")
    blocks = sent.body["messages"][-1]["content"]
    [image] = [b for b in blocks if b["type"] == "image"]
    assert image["source"]["media_type"] == "image/png"
    assert base64.b64decode(image["source"]["data"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Cannot set properties of null" in blocks[-1]["text"]
    assert "Claude: fixing errors" in cloud_window.status.route_label.toolTip()
    asked_fast = [r.body["messages"][-1]["content"] for r in chat.posts("/chat/completions")]
    assert not any("Change it as follows: Fix these errors" in a for a in asked_fast)
