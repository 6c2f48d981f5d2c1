"""File → Export to Val Town… and Export to Folder…: the window's side of
core/valtown/exporter.py. The network and the disk are used off the GUI thread."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from desktop.core.settings import Settings
from desktop.core.store import Store
from desktop.core.valtown import client as valtown
from desktop.core.valtown.exporter import (
    ExportResult,
    ValNameTaken,
    export_to_folder,
    export_to_valtown,
)
from desktop.ui.projects.store_service import StoreService
from desktop.ui.workers import message_of, run_in_background

NO_TOKEN = ("No Val Town token. Create one at https://www.val.town/settings/api (val "
            "read+write, user read) and paste it in Model → Providers and Keys… → Val Town, "
            "or set VAL_TOWN_API_KEY.")


class ExportActions(QObject):
    def __init__(self, window: QWidget, settings: Settings, store: StoreService,
                 notify: Callable[[str, bool], None]) -> None:
        super().__init__(window)
        self.window, self.settings, self.store, self.notify = window, settings, store, notify

    def to_valtown(self, project_id: int, name: str, code: str,
                   update_existing: bool = False) -> None:
        if not code.strip():
            self.notify("Nothing to export yet: make an app first.", True)
            return
        settings = self.settings

        def remembered(store: Store) -> dict:
            return json.loads(store.state(f"valtown:{project_id}") or "{}")

        def send(known: dict) -> None:
            def work(_emit) -> ExportResult:
                token = valtown.stored_token().key
                if not token:
                    raise RuntimeError(NO_TOKEN)
                client = valtown.ValTownClient(token, valtown.base_url(settings.valtown_base_url))
                try:
                    return export_to_valtown(client, code, name, known.get("val_id", ""),
                                             update_existing)
                finally:
                    client.close()

            run_in_background(self, work, lambda result: self._exported(project_id, result),
                              lambda error: self._failed(project_id, name, code, error))

        self.notify(f"Exporting {name} to Val Town…", False)
        self.store.call(remembered, send)

    def _exported(self, project_id: int, result: ExportResult) -> None:
        ids = json.dumps({"val_id": result.val_id, "branch_id": result.branch_id,
                          "version": result.version})
        self.store.call(lambda s: s.set_state(f"valtown:{project_id}", ids))
        verb = "Updated" if result.updated else "Created"
        self.notify(f"{verb} the val {result.name} on Val Town: {result.html_url} — it runs at "
                    f"{result.endpoint}", False)

    def _failed(self, project_id: int, name: str, code: str, error: Exception) -> None:
        if isinstance(error, ValNameTaken):
            answer = QMessageBox.question(
                self.window, "Update the existing val?",
                f"You already have a val named {name} on Val Town. Update it with this app?")
            if answer == QMessageBox.StandardButton.Yes:
                self.to_valtown(project_id, name, code, update_existing=True)
                return
        self.notify(message_of(error), True)

    def to_folder(self, project_id: int, code: str) -> None:
        folder = QFileDialog.getExistingDirectory(self.window, "Export the app to a folder",
                                                  str(Path.home()))
        if folder:
            self.write_folder(project_id, code, Path(folder))

    def write_folder(self, project_id: int, code: str, folder: Path) -> None:
        def write(known: dict) -> None:
            run_in_background(
                self, lambda _emit: export_to_folder(
                    code, folder, known.get("val_id", ""), known.get("branch_id", ""),
                    known.get("version", 0)),
                lambda written: self.notify(f"Wrote {len(written)} files to {folder} (the "
                                            "layout Val Town's vt CLI uses).", False),
                lambda error: self.notify(message_of(error), True))

        self.store.call(lambda s: json.loads(s.state(f"valtown:{project_id}") or "{}"), write)
