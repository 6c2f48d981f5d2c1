"""A fast tier that goes silent while the user keeps typing: cancelled requests count for
nothing, the requests that time out count, and the breaker opens so the local model answers
at once. The real Cerebras SDK against the fake server; a scripted local model."""

from __future__ import annotations

import pytest

from desktop.core.settings import Settings
from tests.fakes.scripted_provider import ScriptedProvider
from tests.fakes.wire_server import Scenario
from tests.ui.conftest import close_and_delete, open_window

SILENCE_S = 30.0  # the server says nothing for longer than any test waits


@pytest.fixture
def local() -> ScriptedProvider:
    return ScriptedProvider(chunks=4, delay_s=0.0)


def test_a_silent_fast_tier_opens_the_breaker_while_keystrokes_keep_cancelling(
        qtbot, cloud_env, local):
    cerebras = cloud_env[0]
    for _ in range(30):
        cerebras.script(Scenario(stall_s=SILENCE_S))
    win = open_window(qtbot, Settings(debounce_ms=50, strong_model_id="",
                                      request_timeout_s=1.0), provider=local)
    try:
        qtbot.waitUntil(lambda: "cerebras" in win.engine.router.available, timeout=5000)
        typed = ""
        for round_ in range(3):
            answered = len(local.requests)
            for char in "ab":  # the second keystroke supersedes the first's request
                posted = len(cerebras.posts("/chat/completions"))
                typed += char
                win.prompt.setPlainText(typed)
                qtbot.waitUntil(lambda n=posted: len(cerebras.posts("/chat/completions")) > n,
                                timeout=5000)
            # The user pauses: the last request times out and the local model answers it.
            qtbot.waitUntil(lambda n=answered: len(local.requests) > n, timeout=10000)
            assert local.instructions[-1] == typed, f"round {round_}"
        assert win.engine.breaker.is_open("cerebras")
        posted = len(cerebras.posts("/chat/completions"))
        answered = len(local.requests)
        win.prompt.setPlainText(typed + "c")
        qtbot.waitUntil(lambda: len(local.requests) > answered, timeout=5000)
        assert "cooling down" in win.status.route_label.toolTip()
        assert len(cerebras.posts("/chat/completions")) == posted
    finally:
        close_and_delete(win)
