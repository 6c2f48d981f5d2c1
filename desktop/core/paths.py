"""Where Keystroke keeps things.

All user data lives under one folder so that a user can back it up or delete it in one
step, and so that tests can point the whole app at a temporary folder with KEYSTROKE_HOME.
"""

from __future__ import annotations

import os
import sys
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


def bundled(name: str) -> Path:
    """A file or folder shipped with the app: inside the package when installed (or inside
    the one-folder build, read-only), at the repository's top level in a checkout."""
    installed = _PACKAGE_DIR / name
    return installed if installed.exists() else _PACKAGE_DIR.parent / name


def resources_dir() -> Path:
    return bundled("resources")


def catalog_file() -> Path:
    return bundled("models") / "catalog.toml"


def bundled_model(file_name: str) -> Path | None:
    """A model file the one-folder build carries (verified when it was built), or None."""
    path = bundled("models") / file_name
    return path if path.is_file() else None


def frozen() -> bool:
    """Running from the one-folder build (PyInstaller), not from Python."""
    return bool(getattr(sys, "frozen", False))
