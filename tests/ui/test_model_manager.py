"""Model → Manage Models…: what it lists, the tiers it assigns, per-model settings, and the
built-in speed benchmark run on the real 0.5B model."""

from __future__ import annotations

import shutil

import pytest

from desktop.core.providers.local_gate import LocalGate
from desktop.core.settings import Settings
from desktop.ui.dialogs.model_manager import COLUMNS, ModelManager


def opened(qtbot, settings: Settings) -> ModelManager:
    """The dialog, once it has read the models (off the GUI thread)."""
    dialog = ModelManager(settings, LocalGate())
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: bool(dialog.entries), timeout=10000)
    return dialog


def cell(dialog: ModelManager, key: str, column: str) -> str:
    row = [e.key for e in dialog.entries].index(key)
    return dialog.table.item(row, COLUMNS.index(column)).text()


def test_it_lists_both_installed_qwen_models_with_their_tiers(qtbot):
    dialog = opened(qtbot, Settings())
    keys = [e.key for e in dialog.entries]
    assert keys[:2] == ["qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b"]
    assert cell(dialog, "qwen2.5-coder-0.5b", "Tier") == "drafts (fast)"
    assert cell(dialog, "qwen2.5-coder-1.5b", "Tier") == "Enter (strong)"
    assert cell(dialog, "qwen2.5-coder-1.5b", "Size") == "1.04 GB"
    assert cell(dialog, "qwen2.5-coder-0.5b", "Size") == "469 MB"
    assert cell(dialog, "qwen2.5-coder-0.5b", "Context") == "8,192 of 32,768"
    assert cell(dialog, "qwen2.5-coder-0.5b", "Memory") in ("fits", "may be slow", "won't fit")
    assert cell(dialog, "gemma-3-270m", "Memory") == "not installed"
    assert "Memory available now" in dialog.memory_label.text()


def test_a_strong_model_fast_enough_here_is_listed_as_drafting_automatically(qtbot):
    speed = {"qwen2.5-coder-1.5b": {"tokens_per_s": 35.0, "threads": 2, "in_use": True}}
    dialog = opened(qtbot, Settings(threads=2, model_speed=speed))
    assert cell(dialog, "qwen2.5-coder-1.5b", "Tier") == \
        "drafts (automatic: fast enough here), Enter (strong)"
    assert cell(dialog, "qwen2.5-coder-1.5b", "Speed here") == "35 tok/s in use (2 thr)"
    assert cell(dialog, "qwen2.5-coder-0.5b", "Tier") == "—"
    chosen = opened(qtbot, Settings(threads=2, model_speed=speed, model_id="qwen2.5-coder-0.5b"))
    assert cell(chosen, "qwen2.5-coder-0.5b", "Tier") == "drafts (fast)", "a choice wins"
    assert cell(chosen, "qwen2.5-coder-1.5b", "Tier") == "Enter (strong)"


@pytest.mark.model
def test_an_added_gguf_can_serve_the_strong_tier_and_settings_remember_it(
        qtbot, tmp_path, default_model_file, keystroke_home):
    dialog = opened(qtbot, Settings())
    mine = tmp_path / "my-model.gguf"
    shutil.copyfile(default_model_file, mine)
    dialog.add_gguf(str(mine))
    qtbot.waitUntil(lambda: dialog.current() is not None and
                    dialog.current().key == str(mine), timeout=10000)
    with qtbot.waitSignal(dialog.tier_changed) as changed, \
            qtbot.waitSignal(dialog.refreshed), qtbot.waitSignal(dialog.saved):
        dialog.use_strong.click()
    assert changed.args == ["strong"]
    assert cell(dialog, str(mine), "Tier") == "Enter (strong)"
    assert cell(dialog, "qwen2.5-coder-1.5b", "Tier") == "—"
    saved = Settings.load()
    assert saved.strong_model_path == str(mine) and saved.strong_model_id == ""
    assert saved.added_models == [str(mine)]


def test_threads_and_context_are_settings_per_model(qtbot, keystroke_home):
    dialog = opened(qtbot, Settings())
    dialog.select("qwen2.5-coder-1.5b")
    with qtbot.waitSignal(dialog.tier_changed) as changed:
        dialog.context.setValue(4096)
    assert changed.args == ["strong"], "the strong tier reloads with the new context"
    with qtbot.waitSignal(dialog.refreshed):
        dialog.threads.setValue(2)
    qtbot.waitUntil(lambda: Settings.load().model_options.get("qwen2.5-coder-1.5b", {})
                    .get("threads") == 2, timeout=5000)  # saved off the GUI thread
    saved = Settings.load()
    assert saved.model_options["qwen2.5-coder-1.5b"] == {"threads": 2, "context_length": 4096}
    assert saved.context_for("qwen2.5-coder-1.5b") == 4096
    assert saved.context_for("qwen2.5-coder-0.5b") == 8192
    assert cell(dialog, "qwen2.5-coder-1.5b", "Context") == "4,096 of 32,768"


@pytest.mark.model
def test_the_speed_benchmark_measures_the_real_model_and_keeps_the_figure(
        qtbot, keystroke_home):
    dialog = opened(qtbot, Settings())
    dialog.select("qwen2.5-coder-0.5b")
    with qtbot.waitSignal(dialog.refreshed):
        dialog.measure.click()
    assert cell(dialog, "qwen2.5-coder-0.5b", "Speed here") == "measuring…"
    qtbot.waitUntil(lambda: "tok/s" in cell(dialog, "qwen2.5-coder-0.5b", "Speed here"),
                    timeout=120_000)
    qtbot.waitUntil(lambda: "qwen2.5-coder-0.5b" in Settings.load().model_speed, timeout=5000)
    speed = Settings.load().model_speed["qwen2.5-coder-0.5b"]
    assert speed["tokens_per_s"] > 1 and speed["prompt_per_s"] > 1
