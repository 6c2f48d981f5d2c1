"""What the subcommands share: the CLI's engine (the local models load on first use, with
progress on the terminal) and how they talk to the user on stderr."""

from __future__ import annotations

import sys

from desktop.core.local_models.loading import open_local_provider
from desktop.core.routing.engine import Engine
from desktop.core.settings import Settings
from desktop.core.store import Store, StoreError
from desktop.core.store.reports import spent_today


def say(text: str) -> None:
    print(f"keystroke: {text}", file=sys.stderr)


def terminal_progress(done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\rPreparing the local model (first run only) [{'#' * filled}"
                     f"{'.' * (width - filled)}] {done / 1e6:,.0f}/{total / 1e6:,.0f} MB")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def load_settings() -> Settings:
    """The settings file, with what was wrong in it said on stderr."""
    settings = Settings.load()
    for problem in settings.problems:
        say(problem)
    return settings


def open_store() -> Store:
    """The window's database, for a command: says what was repaired on opening it, and
    makes the daily backup (a data folder used only from here has backups too)."""
    store = Store()
    if store.notice:
        say(store.notice)
    try:
        store.backup_if_due()
    except StoreError as exc:
        say(f"today's backup was not made: {exc}")
    return store


def read_spent_today() -> float:
    store = open_store()
    try:
        return spent_today(store)
    finally:
        store.close()


def cli_engine(settings: Settings, model: str = "", strong_model: str = "") -> Engine:
    """An engine whose two local models load on first use and share its gate; the router
    reads today's spend from the database when it considers Claude."""
    return Engine(
        settings, read_spent_today,
        load_local=lambda gate: open_local_provider(
            settings, model, progress=terminal_progress, warm=False, status=say, gate=gate),
        load_strong=lambda gate: open_local_provider(
            settings, strong_model, progress=terminal_progress, warm=False, status=say,
            tier="strong", gate=gate))
