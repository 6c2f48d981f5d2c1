"""Export a project to Val Town (REST API v2) or to a folder `vt` understands.

To Val Town: check the token, create the val (a name taken by the user's own val is updated
in place only when asked), then create each file, or update it when it exists. A re-export
of the same project updates the val it made before. When a file fails, the error says which
files made it; running the export again completes it (existing files are updated, not
duplicated). Nothing is sent when a file is over the API's size limit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from desktop.core.valtown.client import ValTownClient, ValTownError
from desktop.core.valtown.layout import VTIGNORE, ExportError, check_name, val_files

SAFE_PID = 2147483647  # `vt watch` kills state.lastRun.pid: one that cannot exist


class ValNameTaken(ExportError):
    """A val of this name is already in the user's account, and updating it was not
    asked for (the window asks; the CLI says --update)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"You already have a val named '{name}'. Update it with --update "
                         "(the window asks), or choose another name with --name.")
        self.name = name


@dataclass
class ExportResult:
    val_id: str
    name: str
    html_url: str
    endpoint: str
    updated: bool  # an existing val was updated
    files: list[str] = field(default_factory=list)
    branch_id: str = ""
    version: int = 0


def export_to_valtown(client: ValTownClient, code: str, name: str, val_id: str = "",
                      update_existing: bool = False) -> ExportResult:
    files = val_files(code)  # refuses oversized files before any request
    check_name(name)
    try:
        me = client.me()
    except ValTownError as exc:
        if exc.status in (401, 403):
            raise ExportError(f"Val Town rejected the token ({exc.status}). Set one in Model → "
                              "Providers and Keys… or in VAL_TOWN_API_KEY (it needs val "
                              "read+write and user read).") from None
        raise ExportError(str(exc)) from None
    val, updated = _find_or_create(client, me, name, val_id, update_existing)
    result = ExportResult(val["id"], val["name"], val.get("links", {}).get("html", ""), "",
                          updated)
    for item in files:
        try:
            try:
                made = client.create_file(val["id"], item.path, item.type, item.content)
            except ValTownError as exc:
                if exc.status != 409:
                    raise
                made = client.update_file(val["id"], item.path, item.type, item.content)
        except ValTownError as exc:
            sent = ", ".join(result.files) or "none"
            raise ExportError(f"{exc} while sending {item.path}. Files sent: {sent}. Export "
                              "again to finish: files already there are updated.") from None
        result.files.append(item.path)
        result.endpoint = result.endpoint or made.get("links", {}).get("endpoint", "")
    branch = client.main_branch(val["id"])
    result.branch_id, result.version = branch["id"], branch["version"]
    return result


def _find_or_create(client: ValTownClient, me: dict, name: str, val_id: str,
                    update_existing: bool) -> tuple[dict, bool]:
    if val_id:
        try:
            return client.val(val_id), True
        except ValTownError as exc:
            if exc.status != 404:
                raise ExportError(str(exc)) from None  # deleted on Val Town: make it anew
    try:
        return client.create_val(name, description="Made with Keystroke"), False
    except ValTownError as exc:
        if exc.status != 409:
            raise ExportError(str(exc)) from None
    if not update_existing:
        raise ValNameTaken(name)
    return client.val_by_name(me["username"], name), True


def export_to_folder(code: str, folder: Path, val_id: str = "", branch_id: str = "",
                     version: int = 0) -> list[Path]:
    """Write the val's files as `vt` lays them out. With a val made through the API, also
    `.vt/state.json`, so `vt push`, `vt pull` and `vt watch` work in the folder."""
    files = val_files(code)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in files:
        path = folder / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(item.content, encoding="utf-8")
        written.append(path)
    (folder / ".vtignore").write_text(VTIGNORE, encoding="utf-8")
    written.append(folder / ".vtignore")
    if val_id:
        state = {"val": {"id": val_id}, "branch": {"id": branch_id, "version": version},
                 "lastRun": {"pid": SAFE_PID,
                             "time": datetime.now(UTC).isoformat(timespec="milliseconds")}}
        (folder / ".vt").mkdir(exist_ok=True)
        (folder / ".vt" / "state.json").write_text(json.dumps(state, indent=4),
                                                   encoding="utf-8")
        written.append(folder / ".vt" / "state.json")
    return written
