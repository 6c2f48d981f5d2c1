"""Where keys come from and where they go; names for apps."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import PasswordDeleteError

from desktop.core import keys
from desktop.core.projects.naming import clean_name, suggest_name
from desktop.core.providers import registry
from desktop.core.providers.chat_completions import CerebrasProvider
from tests.fakes.cloud_env import CEREBRAS_KEY
from tests.fakes.scripted_provider import ScriptedProvider


class MemoryKeyring(KeyringBackend):
    """A working keyring backend (the keyring package's plugin interface), in memory."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.items.get((service, username))

    def set_password(self, service, username, password):
        self.items[(service, username)] = password

    def delete_password(self, service, username):
        if self.items.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture
def ring():
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(fail.Keyring())


def test_without_a_keyring_keys_last_a_session_and_the_environment_works(monkeypatch):
    assert "session only" in keys.keyring_status("CEREBRAS_API_KEY")
    assert keys.lookup("cerebras", "CEREBRAS_API_KEY") == keys.KeyLookup("", "")
    monkeypatch.setenv("CEREBRAS_API_KEY", "from-env")
    assert keys.lookup("cerebras", "CEREBRAS_API_KEY") == keys.KeyLookup("from-env", "environment")
    assert keys.save("cerebras", "typed") == "session"
    assert keys.lookup("cerebras", "CEREBRAS_API_KEY") == keys.KeyLookup("typed", "session")


def test_with_a_keyring_keys_go_there_and_win_over_the_environment(ring, monkeypatch):
    assert keys.keyring_status("CEREBRAS_API_KEY") == ""
    monkeypatch.setenv("ANTHROPIC_API_KEY", "from-env")
    assert keys.save("anthropic", "  sk-ant-kept  ") == "keyring"
    assert ring.items[("keystroke", "anthropic")] == "sk-ant-kept"
    assert keys.lookup("anthropic", "ANTHROPIC_API_KEY") == keys.KeyLookup("sk-ant-kept", "keyring")
    assert keys.lookup("anthropic", "ANTHROPIC_API_KEY", explicit="given").source == "session"
    keys.save("anthropic", "")  # clearing the field forgets the kept key
    assert keys.lookup("anthropic", "ANTHROPIC_API_KEY") == keys.KeyLookup("from-env",
                                                                           "environment")


def test_base_urls_come_from_settings_then_the_sdk_variables(monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://gpu-box:8080/v1")
    assert registry.base_url("openai", "") == "http://gpu-box:8080/v1"
    assert registry.base_url("openai", "http://other/v1") == "http://other/v1"


@pytest.mark.parametrize(("reply", "name"), [
    ("habit-tracker", "habit-tracker"),
    ("Habit Tracker\n\nThis name fits because…", "habit-tracker"),
    ('"Pomodoro Timer"', "pomodoro-timer"),
    ("42 dice roller", "dice-roller"),
    ("```html\n<!DOCTYPE html>", None),
    ("", None),
    ("This is a long sentence rather than any kind of a name at all", None),
    ("x" * 80, "x" * 48),
])
def test_clean_name_gives_a_valid_val_name_or_none(reply, name):
    assert clean_name(reply) == name
    if name:
        assert name[0].isalpha() and len(name) <= 48
        assert all(c.isalnum() or c in "-_" for c in name)


def test_a_fast_model_names_the_app(chat_server):
    chat_server.reply = lambda _instruction: "streak-keeper"
    provider = CerebrasProvider("gpt-oss-120b", CEREBRAS_KEY, chat_server.url)
    page = "<html><head><title>Streaks</title></head><body></body></html>"
    assert suggest_name(provider, "a habit tracker with streaks", page) == "streak-keeper"
    system, user = chat_server.posts("/chat/completions")[0].body["messages"]
    assert system["role"] == "system" and page in user["content"]
    assert user["content"].endswith("The user asked for: a habit tracker with streaks\nReply "
                                    "with only the name of this app in two or three lowercase "
                                    "words joined by hyphens, for example pomodoro-timer.")


def test_a_model_that_answers_with_code_leaves_the_name_alone():
    assert suggest_name(ScriptedProvider(delay_s=0), "a habit tracker", "") is None
