"""`keystroke export [PROJECT] --to valtown|DIR`: a project's newest version as a val on
Val Town, or as a folder Val Town's `vt` CLI (and any editor) understands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.cli.terminal import load_settings, open_store
from desktop.core.store import Store
from desktop.core.valtown import client as valtown
from desktop.core.valtown.client import ValTownError
from desktop.core.valtown.exporter import export_to_folder, export_to_valtown
from desktop.core.valtown.layout import ExportError


def run_export(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        project = (store.project_by_name(args.project) if args.project else
                   _last_project(store))
        if project is None:
            print(f"keystroke: no project named '{args.project}'." if args.project else
                  "keystroke: no projects yet.", file=sys.stderr)
            return 1
        versions = store.versions(project.id)
        if not versions:
            print(f"keystroke: '{project.name}' has no version to export yet.", file=sys.stderr)
            return 1
        code = versions[0].code
        remembered = json.loads(store.state(f"valtown:{project.id}") or "{}")
        try:
            if args.to == "valtown":
                return _to_valtown(args, store, project, code, remembered)
            written = export_to_folder(code, Path(args.to), remembered.get("val_id", ""),
                                       remembered.get("branch_id", ""),
                                       remembered.get("version", 0))
        except (ExportError, ValTownError) as exc:
            print(f"keystroke: {exc}", file=sys.stderr)
            return 1
        for path in written:
            print(path)
        if not remembered:
            print(f"keystroke: to put it on Val Town: keystroke export '{project.name}' --to "
                  f"valtown, or `vt create {project.name} {args.to} --upload-if-exists "
                  "--no-editor-files`.", file=sys.stderr)
        return 0
    finally:
        store.close()


def _to_valtown(args, store: Store, project, code: str, remembered: dict) -> int:
    token = valtown.stored_token().key
    if not token:
        print("keystroke: no Val Town token. Create one at https://www.val.town/settings/api "
              "(val read+write, user read) and set VAL_TOWN_API_KEY, or save it in Model → "
              "Providers and Keys….", file=sys.stderr)
        return 1
    client = valtown.ValTownClient(token, valtown.base_url(load_settings().valtown_base_url))
    try:
        result = export_to_valtown(client, code, args.name or project.name,
                                   remembered.get("val_id", ""), args.update)
    finally:
        client.close()
    store.set_state(f"valtown:{project.id}", json.dumps(
        {"val_id": result.val_id, "branch_id": result.branch_id, "version": result.version}))
    verb = "Updated" if result.updated else "Created"
    print(f"keystroke: {verb} {result.name} ({', '.join(result.files)}): {result.html_url}",
          file=sys.stderr)
    print(result.endpoint)
    return 0


def _last_project(store: Store):
    last = store.state("last_project")
    return store.project(int(last)) if last.isdigit() else (store.list_projects() or [None])[0]
