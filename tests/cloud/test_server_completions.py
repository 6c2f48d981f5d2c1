"""Completions from an OpenAI-compatible server's completions route, through the official
`openai` SDK against a local server that speaks its wire protocol."""

from __future__ import annotations

import pytest

from desktop.core.completion.fim import CompletionUnavailable, request_at
from desktop.core.completion.sources import open_completer
from desktop.core.settings import Settings
from tests.fakes.cloud_env import CEREBRAS_KEY

CODE = "<script>\nconst start = document.getElementById('start');\nstart.addEventListener(\n"


def settings_for(server, **more) -> Settings:
    return Settings(completion_source="openai", openai_base_url=f"{server.url}/v1",
                    openai_model="gpt-oss-120b", **more)


@pytest.fixture
def server_key(monkeypatch):
    """The key the user typed for the server in Settings (a session key)."""
    from desktop.core import keys

    monkeypatch.setattr(keys, "_session", {"openai": CEREBRAS_KEY})


def test_the_server_fills_the_middle_with_prefix_and_suffix(chat_server, server_key):
    completer = open_completer(settings_for(chat_server), None)
    cursor = CODE.index("(\n") + 1
    completion = completer.complete(request_at(CODE, cursor))
    completer.close()
    assert completion.text == "'click', () => go());"
    sent = [r for r in chat_server.requests if r.path.endswith("/v1/completions")][-1]
    assert sent.body["prompt"].endswith("start.addEventListener(")
    assert sent.body["suffix"] == "\n"
    assert sent.body["model"] == "gpt-oss-120b" and sent.body["stream"] is True
    assert sent.headers.get("authorization") == f"Bearer {CEREBRAS_KEY}"


def test_a_server_without_the_route_says_so(chat_server, server_key):
    completer = open_completer(settings_for(chat_server, completion_model="no-such-model"), None)
    with pytest.raises(CompletionUnavailable, match=r"no completions route .*\(404\)"):
        completer.complete(request_at(CODE, len(CODE) - 1))
    completer.close()


def test_a_wrong_key_is_named_as_such(chat_server):
    completer = open_completer(settings_for(chat_server), None)
    with pytest.raises(CompletionUnavailable, match="refused the key"):
        completer.complete(request_at(CODE, len(CODE) - 1))
    completer.close()


def test_no_server_set_up_is_a_clear_reason():
    with pytest.raises(CompletionUnavailable, match="Settings"):
        open_completer(Settings(completion_source="openai"), None)


def test_a_dead_server_is_reported_not_raised_as_a_traceback():
    completer = open_completer(Settings(completion_source="openai",
                                        openai_base_url="http://127.0.0.1:9/v1",
                                        openai_model="m"), None)
    with pytest.raises(CompletionUnavailable, match="Could not reach"):
        completer.complete(request_at(CODE, len(CODE) - 1))
    completer.close()
