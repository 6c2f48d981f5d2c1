import json

from desktop.core import paths
from desktop.core.settings import Settings, default_threads


def test_data_lives_under_keystroke_home(keystroke_home):
    assert paths.data_home() == keystroke_home
    assert paths.models_dir() == keystroke_home / "models"
    assert paths.settings_file().parent == keystroke_home


def test_settings_round_trip_keeps_unknown_keys(keystroke_home):
    paths.settings_file().write_text(json.dumps({"future_option": 1, "debounce_ms": 250}))
    settings = Settings.load()
    assert settings.debounce_ms == 250
    settings.threads = 3
    settings.save()
    saved = json.loads(paths.settings_file().read_text())
    assert saved["future_option"] == 1 and saved["threads"] == 3


def test_broken_settings_fall_back_to_defaults_and_each_is_kept(keystroke_home):
    for text in ("{not json", "[1, 2]"):
        paths.settings_file().write_text(text)
        settings = Settings.load()
        assert settings == Settings()
        assert "could not be read" in settings.problems[0] and "kept as" in settings.problems[0]
    kept = sorted(path.read_text() for path in keystroke_home.glob("settings.broken-*.json"))
    assert kept == ["[1, 2]", "{not json"]  # the second did not overwrite the first


def test_a_bad_value_is_named_and_replaced_by_its_default(keystroke_home):
    paths.settings_file().write_text(
        '{"threads": "many", "max_tokens": 1e400, "request_timeout_s": -5, '
        '"completions": "no", "edit_format": "poetry", "temperature": 0.4, "debounce_ms": 250, '
        '"model_options": {"qwen2.5-coder-0.5b": {"threads": "many"}}}')
    settings = Settings.load()
    assert (settings.threads, settings.max_tokens, settings.request_timeout_s) == (0, 2048, 10.0)
    assert settings.completions is True and settings.edit_format == "whole"
    assert settings.model_options == {} and settings.threads_for("qwen2.5-coder-0.5b") >= 1
    assert (settings.temperature, settings.debounce_ms) == (0.4, 250)
    said = " ".join(settings.problems)
    for name in ("threads", "max_tokens", "request_timeout_s", "completions", "edit_format",
                 "model_options"):
        assert f"Setting {name} = " in said
    assert "a whole number from 1 to 1e+06; using 2048" in said
    assert "temperature" not in said and "debounce_ms" not in said


def test_threads_leave_a_core_free():
    assert Settings().effective_threads == default_threads() >= 1
    assert Settings(threads=5).effective_threads == 5
