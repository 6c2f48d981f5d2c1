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


def test_broken_settings_fall_back_to_defaults_and_are_kept(keystroke_home):
    paths.settings_file().write_text("{not json")
    assert Settings.load() == Settings()
    assert (keystroke_home / "settings.broken.json").read_text() == "{not json"


def test_a_bad_value_is_ignored_not_fatal(keystroke_home):
    paths.settings_file().write_text(json.dumps({"threads": "many", "max_tokens": 99}))
    settings = Settings.load()
    assert settings.threads == 0 and settings.max_tokens == 99


def test_threads_leave_a_core_free():
    assert Settings().effective_threads == default_threads() >= 1
    assert Settings(threads=5).effective_threads == 5
