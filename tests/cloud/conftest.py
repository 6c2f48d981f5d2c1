"""Fake Cerebras/OpenAI and Anthropic servers, and an environment that points the real SDKs
at them the way a user would: keys and base URLs in environment variables."""

from __future__ import annotations

import pytest

from desktop.core import keys
from tests.fakes.anthropic_server import AnthropicServer
from tests.fakes.chat_server import ChatCompletionsServer

CEREBRAS_KEY = "csk-test-SECRET-0123456789abcdef"
ANTHROPIC_KEY = "sk-ant-test-SECRET-fedcba9876543210"


@pytest.fixture(autouse=True)
def no_session_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "_session", {})


@pytest.fixture
def chat_server():
    with ChatCompletionsServer(api_key=CEREBRAS_KEY) as server:
        yield server


@pytest.fixture
def anthropic_server():
    with AnthropicServer(api_key=ANTHROPIC_KEY) as server:
        yield server


@pytest.fixture
def cloud_env(monkeypatch: pytest.MonkeyPatch, chat_server, anthropic_server):
    monkeypatch.setenv("CEREBRAS_API_KEY", CEREBRAS_KEY)
    monkeypatch.setenv("CEREBRAS_BASE_URL", chat_server.url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", ANTHROPIC_KEY)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", anthropic_server.url)
    return chat_server, anthropic_server


def big_app(lines: int = 400) -> str:
    """An app long enough for Anthropic's prompt cache (over 1,024 tokens)."""
    rows = "\n".join(f"    <li class=\"item\" data-id=\"{i}\">Item number {i}</li>"
                     for i in range(lines))
    return (f"<!DOCTYPE html>\n<html><head><title>List</title></head>\n<body>\n  <ul>\n{rows}\n"
            "  </ul>\n</body></html>")
