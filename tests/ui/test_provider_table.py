"""Adding a provider is one class plus one row of providers/registry.py: the row alone puts
it in the settings dialog, the CLI's choices, the key lookup and the router's fast tier."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QTabWidget

from desktop.cli.main import _parser
from desktop.core.providers import registry
from desktop.core.providers.chat_completions import OpenAIProvider
from desktop.core.routing.breaker import CircuitBreaker
from desktop.core.routing.router import Router
from desktop.core.settings import Settings
from desktop.ui.dialogs.settings_dialog import SettingsDialog

DUMMY = registry.ProviderSpec(
    "dummy", "Dummy AI", "desktop.core.providers.chat_completions", "OpenAIProvider",
    fast=True, title="Dummy AI (a test row)", tab="Dummy", key_env_var="DUMMY_API_KEY",
    base_url_env_var="DUMMY_BASE_URL", default_url="https://api.dummy.example")


@pytest.fixture
def with_dummy(monkeypatch):
    monkeypatch.setattr(registry, "PROVIDERS", (*registry.PROVIDERS, DUMMY))


def test_a_new_row_shows_in_the_settings_dialog(qtbot, with_dummy, monkeypatch):
    monkeypatch.setenv("DUMMY_API_KEY", "dummy-key")
    dialog = SettingsDialog(Settings())
    qtbot.addWidget(dialog)
    tabs = dialog.findChild(QTabWidget)
    assert "Dummy" in [tabs.tabText(i) for i in range(tabs.count())]
    assert "dummy" in dialog.fields
    qtbot.waitUntil(lambda: "from the environment" in
                    dialog.fields["dummy"].key.placeholderText(), timeout=5000)
    assert dialog.fields["dummy"].base_url.placeholderText().startswith(
        "https://api.dummy.example")
    assert "Dummy AI" in [dialog.fast.itemText(i) for i in range(dialog.fast.count())]


def test_a_new_row_is_a_choice_of_the_cli_and_a_fast_tier_of_the_router(with_dummy):
    args = _parser().parse_args(["generate", "a clock", "--provider", "dummy"])
    assert args.provider == "dummy"
    router = Router(Settings(fast_provider="dummy"), CircuitBreaker(),
                    frozenset({"local", "dummy"}))
    assert router.fast_tier() == ("dummy", "fast tier: Dummy AI")
    assert registry.provider_class("dummy") is OpenAIProvider


def test_without_the_row_the_cli_refuses_the_name(capsys):
    with pytest.raises(SystemExit):
        _parser().parse_args(["generate", "a clock", "--provider", "dummy"])
    assert "invalid choice: 'dummy'" in capsys.readouterr().err
