"""Where a project's val keeps its data (sqlite, blobs, outbox), and the preview origin its
pages get (their localStorage and IndexedDB), both keyed by something never reused.

SQLite gives a deleted project's id to the next new project, so a folder named by the id
alone handed a new project the old one's database and outbox. The key adds the moment the
project was made."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from desktop.core import paths
from desktop.core.store.database import Project

# File times come from the kernel's coarse clock, which lags the clock that stamped the
# project by up to a few milliseconds: a folder written just after the project was made can
# carry a time just before it (a CI run failed on that).
CLOCK_GRAIN_S = 0.05


def project_key(project: Project) -> str:
    """"12-20261129t212005123": the id, and when the project was made."""
    return f"{project.id}-{re.sub(r'[^0-9t]', '', project.created_at.lower())[:18]}"


def val_folder(project: Project) -> Path:
    """The project's own folder for its val's data. A folder from before the key had the
    time in it is taken over only if it was written after the project was made (else it
    belongs to a deleted project that had the same id)."""
    vals = paths.data_home() / "vals"
    folder = vals / f"project-{project_key(project)}"
    legacy = vals / f"project-{project.id}"
    if not folder.exists() and legacy.is_dir():
        made = datetime.fromisoformat(project.created_at).timestamp()
        if legacy.stat().st_mtime >= made - CLOCK_GRAIN_S:
            legacy.rename(folder)
    return folder
