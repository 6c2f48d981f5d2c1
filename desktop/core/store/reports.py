"""Read-only summaries of what generations cost: for `keystroke usage`, `keystroke history`
and the usage window. Every figure is a sum over the messages table, so the totals always
agree with the messages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from desktop.core.store.database import Store


@dataclass(frozen=True)
class UsageRow:
    provider: str
    model: str
    generations: int
    tokens_in: int
    tokens_out: int
    cache_creation_tokens: int
    cache_read_tokens: int
    cost_usd: float
    total_ms: float


_SUMS = ("COUNT(*) AS generations, COALESCE(SUM(tokens_in), 0) AS tokens_in, "
         "COALESCE(SUM(tokens_out), 0) AS tokens_out, "
         "COALESCE(SUM(cache_creation_tokens), 0) AS cache_creation_tokens, "
         "COALESCE(SUM(cache_read_tokens), 0) AS cache_read_tokens, "
         "COALESCE(SUM(cost_usd), 0) AS cost_usd, COALESCE(SUM(total_ms), 0) AS total_ms")


def usage_by_model(store: Store) -> list[UsageRow]:
    rows = store.db.execute(
        f"SELECT provider, model, {_SUMS} FROM messages WHERE role = 'assistant' "
        "GROUP BY provider, model ORDER BY cost_usd DESC, tokens_out DESC").fetchall()
    return [UsageRow(**dict(r)) for r in rows]


def usage_by_day(store: Store) -> list[dict]:
    """One row per (day, provider)."""
    rows = store.db.execute(
        f"SELECT substr(created_at, 1, 10) AS day, provider, {_SUMS} FROM messages "
        "WHERE role = 'assistant' GROUP BY day, provider ORDER BY day, provider").fetchall()
    return [dict(r) for r in rows]


def spent_since(store: Store, since_utc: str) -> float:
    """Dollars spent on messages created at or after `since_utc` (an ISO timestamp in UTC,
    as the messages table stores them): what the daily spending cap is checked against."""
    row = store.db.execute("SELECT COALESCE(SUM(cost_usd), 0) FROM messages "
                           "WHERE role = 'assistant' AND created_at >= ?", (since_utc,)).fetchone()
    return float(row[0])


def spent_today(store: Store) -> float:
    """Dollars spent since local midnight."""
    midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    return spent_since(store, midnight.astimezone(UTC).isoformat(timespec="milliseconds"))


def cost_by_project(store: Store) -> list[dict]:
    rows = store.db.execute(
        "SELECT p.id, p.name, COUNT(m.id) AS generations, "
        "COALESCE(SUM(m.tokens_in + m.tokens_out), 0) AS tokens, "
        "COALESCE(SUM(m.cost_usd), 0) AS cost_usd, COALESCE(SUM(m.total_ms), 0) AS total_ms "
        "FROM projects p LEFT JOIN threads t ON t.project_id = p.id "
        "LEFT JOIN messages m ON m.thread_id = t.id AND m.role = 'assistant' "
        "GROUP BY p.id ORDER BY cost_usd DESC, p.id DESC").fetchall()
    return [dict(r) for r in rows]


def version_history(store: Store, project_id: int) -> list[dict]:
    """Versions newest first, each with the tokens and cost of the reply that made it."""
    rows = store.db.execute(
        "SELECT v.id, v.parent_id, v.instruction, v.provider, v.model, v.route_reason, "
        "v.created_at, COALESCE(m.tokens_in, 0) AS tokens_in, "
        "COALESCE(m.tokens_out, 0) AS tokens_out, COALESCE(m.cost_usd, 0) AS cost_usd, "
        "m.ttft_ms, m.total_ms FROM versions v LEFT JOIN messages m "
        "ON m.version_id = v.id AND m.role = 'assistant' "
        "WHERE v.project_id = ? ORDER BY v.id DESC", (project_id,)).fetchall()
    return [dict(r) for r in rows]
