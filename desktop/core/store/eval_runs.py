"""Stored `keystroke eval` runs (tables from the create_eval_tables migration)."""

from __future__ import annotations

import json
from dataclasses import dataclass

from desktop.core.store.database import Store, now


@dataclass(frozen=True)
class CaseResult:
    case_id: str
    passed: bool
    clean: bool
    reason: str
    seconds: float
    tokens_out: int
    self_test: dict | None = None  # what the self-test found in the case's app


def record_run(store: Store, summary: dict, results: list[CaseResult]) -> int:
    """Store a run and its verdicts; returns the run's id."""
    with store.transaction() as db:
        run_id = db.execute(
            "INSERT INTO eval_runs (suite, provider, model, prompt_version, fix_step, cases, "
            "passed, clean, mean_s, tokens_out, cost_usd, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (summary["suite"], summary["provider"], summary["model"],
             summary["prompt_version"], int(summary["fix_step"]), summary["cases"],
             summary["passed"], summary["clean"], summary["mean_s"], summary["tokens"],
             summary["cost_usd"], now())).lastrowid
        db.executemany("INSERT INTO eval_results VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(run_id, r.case_id, int(r.passed), int(r.clean), r.reason, r.seconds,
                         r.tokens_out, json.dumps(r.self_test) if r.self_test else None)
                        for r in results])
    assert run_id is not None
    return run_id


def previous_run(store: Store, suite: str, model: str, before: int) -> dict | None:
    """The latest run of the same suite and model before run `before`, with its verdicts
    (`{"run": row, "verdicts": {case_id: passed}}`), or None."""
    db = store.db
    run = db.execute("SELECT * FROM eval_runs WHERE suite = ? AND model = ? AND id < ? "
                     "ORDER BY id DESC LIMIT 1", (suite, model, before)).fetchone()
    if run is None:
        return None
    rows = db.execute("SELECT case_id, passed FROM eval_results WHERE run_id = ?",
                      (run["id"],)).fetchall()
    return {"run": dict(run), "verdicts": {r["case_id"]: bool(r["passed"]) for r in rows}}
