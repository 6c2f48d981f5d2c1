"""Where Keystroke keeps things.

All user data lives under one folder so that a user can back it up or delete it in one
step, and so that tests can point the whole app at a temporary folder with KEYSTROKE_HOME.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_home() -> Path:
    """The user's data folder: $KEYSTROKE_HOME, else the platform's usual place."""
    override = os.environ.get("KEYSTROKE_HOME")
    if override:
        home = Path(override).expanduser()
    elif os.name == "nt":
        home = Path(os.environ.get("LOCALAPPDATA", Path.home())) / "Keystroke"
    elif os.uname().sysname == "Darwin":
        home = Path.home() / "Library" / "Application Support" / "Keystroke"
    else:
        home = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share")) / "keystroke"
    home.mkdir(parents=True, exist_ok=True)
    return home


def models_dir() -> Path:
    path = data_home() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def settings_file() -> Path:
    return data_home() / "settings.json"


def _bundled(name: str) -> Path:
    """A file or folder shipped with the app: inside the package when installed, at the
    repository's top level when running from a checkout."""
    installed = _PACKAGE_DIR / name
    return installed if installed.exists() else _PACKAGE_DIR.parent / name


def resources_dir() -> Path:
    return _bundled("resources")


def catalog_file() -> Path:
    return _bundled("models") / "catalog.toml"
