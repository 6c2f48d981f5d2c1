"""`keystroke history` and `keystroke usage`, and recording `keystroke generate` into the
same history the window uses."""

from __future__ import annotations

import argparse
import json
import sys

from desktop.cli.terminal import open_store
from desktop.core.generation.generate import GenerationResult
from desktop.core.projects import history
from desktop.core.store import Store
from desktop.core.store.database import Project
from desktop.core.store.reports import usage_by_model, version_history


def record_generation(instruction: str, result: GenerationResult, project_name: str) -> str:
    """Commit a CLI result as a version of the named project (created if needed), on top of
    that project's newest version. Returns the project's name."""
    store = open_store()
    try:
        name = project_name or history.name_from_instruction(instruction)
        project = store.project_by_name(name) or store.create_project(name)
        versions = store.versions(project.id)
        history.commit(store, project.id, instruction, result,
                       versions[0].id if versions else None)
        store.set_state("last_project", str(project.id))
        return name
    finally:
        store.close()


def _project(store: Store, name: str) -> Project | None:
    if name:
        return store.project_by_name(name)
    last = store.state("last_project")
    return store.project(int(last)) if last.isdigit() else None


def run_history(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        project = _project(store, args.project)
        if project is None:
            print(f"keystroke: no project named '{args.project}'. `keystroke history` without "
                  "--project shows the last one used." if args.project else
                  "keystroke: no projects yet.", file=sys.stderr)
            return 1
        rows = version_history(store, project.id)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"project": project.name, "versions": rows}, indent=2))
        return 0
    print(f"{project.name}: {len(rows)} versions, newest first")
    for row in rows:
        cost = f"${row['cost_usd']:.4f}" if row["cost_usd"] else "$0"
        print(f"  #{row['id']:<4} {row['created_at'][:16].replace('T', ' ')}  "
              f"{row['provider']}/{row['model'] or '-'}  in {row['tokens_in']} out "
              f"{row['tokens_out']}  {cost}  {row['instruction'][:60]}")
    return 0


def run_usage(args: argparse.Namespace) -> int:
    store = open_store()
    try:
        rows = usage_by_model(store)
    finally:
        store.close()
    if args.json:
        print(json.dumps([row.__dict__ for row in rows], indent=2))
        return 0
    if not rows:
        print("No generations recorded yet.")
        return 0
    print(f"{'provider':<10} {'model':<36} {'gens':>5} {'in':>9} {'out':>9} "
          f"{'cache rd':>9} {'cost $':>9} {'time s':>8}")
    for r in rows:
        print(f"{r.provider:<10} {r.model[:36]:<36} {r.generations:>5} {r.tokens_in:>9} "
              f"{r.tokens_out:>9} {r.cache_read_tokens:>9} {r.cost_usd:>9.4f} "
              f"{r.total_ms / 1000:>8.1f}")
    total = sum(r.cost_usd for r in rows)
    print(f"total cost ${total:.4f}")
    return 0
