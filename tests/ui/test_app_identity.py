"""The app says who it is: `--version`, the window's icon, and a desktop entry that names
the same program and icon."""

from __future__ import annotations

import configparser
import subprocess
import sys

from desktop import __version__
from desktop.core import paths
from tests.conftest import REPO


def test_version_flag_prints_the_version():
    run = subprocess.run([sys.executable, "-m", "desktop", "--version"], cwd=REPO,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    assert run.stdout.strip() == f"keystroke {__version__}"


def test_the_window_shows_the_keystroke_icon(window):
    icon = window.windowIcon()
    assert not icon.isNull()
    assert icon.pixmap(64, 64).toImage().pixelColor(32, 8).blue() > 150  # the blue key


def test_the_desktop_entry_starts_keystroke_with_its_icon():
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(paths.resources_dir() / "keystroke.desktop")
    section = entry["Desktop Entry"]
    assert section["Exec"].split()[0] == "keystroke" and section["Icon"] == "keystroke"
    assert (paths.resources_dir() / "icons" / "keystroke.png").is_file()
