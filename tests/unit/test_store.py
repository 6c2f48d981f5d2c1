import sqlite3

import pytest

from desktop.core.generation.generate import GenerationResult
from desktop.core.projects import history
from desktop.core.store import Store, StoreError
from desktop.core.store.migrations import MIGRATIONS
from desktop.core.store.reports import usage_by_model, version_history

EXPECTED_COLUMNS = {
    "projects": ["id", "name", "forked_from_version", "created_at", "updated_at"],
    "versions": ["id", "project_id", "parent_id", "code", "instruction", "provider", "model",
                 "route_reason", "thumbnail", "created_at", "self_test"],
    "threads": ["id", "project_id", "created_at"],
    "messages": ["id", "thread_id", "version_id", "role", "content", "kind", "provider",
                 "model", "tokens_in", "tokens_out", "cache_creation_tokens",
                 "cache_read_tokens", "cost_usd", "ttft_ms", "total_ms", "created_at",
                 "route_reason", "server_timing"],
    "drafts": ["project_id", "instruction", "code", "base_version_id", "saved_at"],
    "app_state": ["key", "value"],
    "schema_migrations": ["name", "applied_at"],
    "eval_runs": ["id", "suite", "provider", "model", "prompt_version", "fix_step", "cases",
                  "passed", "clean", "mean_s", "tokens_out", "cost_usd", "created_at"],
    "eval_results": ["run_id", "case_id", "passed", "clean", "reason", "seconds",
                     "tokens_out", "self_test"],
}


def result(code="<p>x</p>", provider="local", model="m", tokens_in=100, tokens_out=50,
           reply=None) -> GenerationResult:
    return GenerationResult(code=code, reply=reply or f"```html\n{code}\n```", provider=provider,
                            model=model, finish_reason="stop", tokens_in=tokens_in,
                            tokens_out=tokens_out, ttft_ms=80.0, total_ms=900.0)


@pytest.fixture
def store(keystroke_home):
    s = Store()
    yield s
    s.close()


def test_migrations_build_the_exact_schema_on_a_blank_database(tmp_path):
    store = Store(tmp_path / "blank.db")
    tables = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == set(EXPECTED_COLUMNS)
    for table, columns in EXPECTED_COLUMNS.items():
        assert [r[1] for r in store.db.execute(f"PRAGMA table_info({table})")] == columns
    applied = [r[0] for r in store.db.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert applied == [m.__name__ for m in MIGRATIONS]
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()
    again = Store(tmp_path / "blank.db")  # reopening applies nothing twice
    count = again.db.execute("SELECT COUNT(*) FROM schema_migrations").fetchone()[0]
    assert count == len(MIGRATIONS)
    again.close()


def test_a_version_round_trips(store):
    project = store.create_project("timer")
    version = history.commit(store, project.id, "a timer", result("<h1>T</h1>"), parent_id=None)
    store.set_thumbnail(version.id, b"\x89PNG fake")
    loaded = store.versions(project.id)[0]
    assert (loaded.code, loaded.instruction, loaded.provider, loaded.model) == (
        "<h1>T</h1>", "a timer", "local", "m")
    assert loaded.has_thumbnail and store.thumbnails(project.id) == {version.id: b"\x89PNG fake"}
    thread = store.current_thread(project.id)
    roles = [(m["role"], m["kind"]) for m in store.messages(thread)]
    assert roles == [("user", "commit"), ("assistant", "commit")]
    assert store.messages(thread)[1]["content"] == "```html\n<h1>T</h1>\n```"
    assert loaded.self_test is None  # not tried out yet
    found = {"health": "problems", "badge": "1 problem", "controls": 2, "ms": 300,
             "untried": 0, "findings": [{"kind": "dead", "text": "Clicking Stop changed nothing",
                                         "on_load": False}]}
    store.set_self_test(version.id, found)
    assert store.version(version.id).self_test == found


def test_forks_form_a_tree(store):
    project = store.create_project("app")
    root = history.commit(store, project.id, "one", result("<p>1</p>"), None)
    left = history.commit(store, project.id, "two", result("<p>2</p>"), root.id)
    right = history.commit(store, project.id, "two again", result("<p>2b</p>"), root.id)
    fork_project, fork_root = store.fork(left.id)
    assert {left.parent_id, right.parent_id} == {root.id}
    assert fork_root.parent_id == left.id and fork_root.code == "<p>2</p>"
    assert fork_project.forked_from_version == left.id and fork_project.name == "app (fork)"
    assert [v.id for v in store.versions(project.id)] == [right.id, left.id, root.id]


def test_projects_search_rename_delete(store):
    a = store.create_project("pomodoro")
    b = store.create_project("calc")
    history.commit(store, b.id, "a tip calculator", result(), None)
    assert [p.name for p in store.list_projects("tip")] == ["calc"]
    assert [p.name for p in store.list_projects("pomo")] == ["pomodoro"]
    store.rename_project(a.id, "focus-timer")
    assert store.project(a.id).name == "focus-timer"
    store.delete_project(b.id)
    assert [p.id for p in store.list_projects()] == [a.id]
    assert store.db.execute("SELECT COUNT(*) FROM versions").fetchone()[0] == 0


def test_usage_totals_equal_the_sum_of_the_messages(store):
    project = store.create_project("p")
    history.record_draft(store, project.id, "a", result(tokens_in=10, tokens_out=5))
    history.record_draft(store, project.id, "ab", result(provider="anthropic",
                                                          model="claude-sonnet-4-5",
                                                          tokens_in=1000, tokens_out=2000))
    history.commit(store, project.id, "ab", result(provider="anthropic",
                                                   model="claude-sonnet-4-5",
                                                   tokens_in=1000, tokens_out=2000), None)
    rows = usage_by_model(store)
    sums = store.db.execute("SELECT SUM(tokens_in), SUM(tokens_out), SUM(cost_usd) "
                            "FROM messages").fetchone()
    assert sum(r.tokens_in for r in rows) == sums[0] == 2010
    assert sum(r.tokens_out for r in rows) == sums[1] == 4005
    assert sum(r.cost_usd for r in rows) == pytest.approx(sums[2])
    anthropic = next(r for r in rows if r.provider == "anthropic")
    assert anthropic.cost_usd == pytest.approx(2 * (1000 * 3 + 2000 * 15) / 1e6)
    assert next(r for r in rows if r.provider == "local").cost_usd == 0
    assert version_history(store, project.id)[0]["tokens_out"] == 2000


def test_the_tenth_turn_asks_for_a_fresh_thread(store):
    project = store.create_project("long")
    parent = None
    for turn in range(1, 11):
        assert history.needs_fresh_thread(store, project.id) == (turn > 10)
        parent = history.commit(store, project.id, f"change {turn}", result(), parent).id
    assert history.needs_fresh_thread(store, project.id)
    store.new_thread(project.id)
    assert not history.needs_fresh_thread(store, project.id)


def test_drafts_and_state_survive_reopening(keystroke_home):
    store = Store()
    project = store.create_project("p")
    store.save_draft(project.id, "make it bl", "<p>hand edit</p>", None)
    store.set_state("last_project", str(project.id))
    store.close()
    again = Store()
    assert again.draft(project.id).code == "<p>hand edit</p>"
    assert again.state("last_project") == str(project.id)
    again.close()


def test_a_locked_database_says_so_and_loses_nothing(keystroke_home):
    store = Store()
    project = store.create_project("kept")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        store.db.execute("PRAGMA busy_timeout = 100")
        with pytest.raises(StoreError, match="locked") as caught:
            store.create_project("blocked")
        assert caught.value.kind == "disk"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [p.name for p in store.list_projects()] == ["kept"]
    assert store.project(project.id) is not None
    store.close()


def test_a_corrupt_database_is_set_aside_not_overwritten(keystroke_home):
    store = Store()
    store.create_project("precious")
    path = store.path
    store.close()
    damaged = b"this is not a database " * 400
    path.write_bytes(damaged)
    fresh = Store()
    assert fresh.recovered_from is not None and fresh.recovered_from.read_bytes() == damaged
    assert fresh.list_projects() == []
    fresh.close()


def test_daily_backup_is_a_working_copy(store, tmp_path):
    store.create_project("backed-up")
    target = store.backup_if_due(tmp_path / "backups")
    assert target is not None and store.backup_if_due(tmp_path / "backups") is None
    copy = Store(target)
    assert [p.name for p in copy.list_projects()] == ["backed-up"]
    copy.close()


def test_names_from_instructions_are_valid_val_names():
    assert history.name_from_instruction("a pomodoro timer with a start button") == (
        "pomodoro-timer-start-button")
    assert history.name_from_instruction("3D dice!") == "app-3d-dice"
    long = history.name_from_instruction("word " * 40)
    assert len(long) <= 48 and long[0].isalpha()


def test_disk_problems_and_bugs_get_different_messages(tmp_path):
    from desktop.core.store.database import classify

    path = tmp_path / "k.db"
    full = classify(sqlite3.OperationalError("database or disk is full"), path)
    readonly = classify(sqlite3.OperationalError("attempt to write a readonly database"), path)
    bug = classify(sqlite3.IntegrityError("NOT NULL constraint failed: versions.code"), path)
    assert full.kind == readonly.kind == "disk" and bug.kind == "bug"
    assert "disk" in str(full) and "free some space" in str(full)
    assert "read-only" in str(readonly) and "KEYSTROKE_HOME" in str(readonly)
    assert "bug in Keystroke" in str(bug) and str(path) in str(bug)


def test_a_database_from_the_first_release_is_migrated_keeping_its_messages(tmp_path):
    from desktop.core.store.migrations import create_core_tables

    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("CREATE TABLE schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    create_core_tables(old)
    old.execute("INSERT INTO schema_migrations VALUES ('create_core_tables', '2026-11-01')")
    old.execute("INSERT INTO projects VALUES (1, 'old', NULL, '2026-11-01', '2026-11-01')")
    old.execute("INSERT INTO threads VALUES (1, 1, '2026-11-01')")
    old.execute("INSERT INTO messages (thread_id, role, content, kind, created_at) "
                "VALUES (1, 'user', 'a counter', 'commit', '2026-11-01')")
    old.commit()
    old.close()
    store = Store(path)
    row = store.db.execute("SELECT content, route_reason, server_timing FROM messages").fetchone()
    assert tuple(row) == ("a counter", "", None)
    store.close()


def test_eval_runs_are_compared_with_the_last_run_of_the_same_model(keystroke_home):
    from desktop.core.store.eval_runs import CaseResult, previous_run, record_run

    store = Store()
    summary = {"suite": "basic", "provider": "local", "prompt_version": "abc", "fix_step": False,
               "cases": 2, "clean": 1, "mean_s": 1.0, "tokens": 10, "cost_usd": 0.0}
    first = record_run(store, {**summary, "model": "small", "passed": 1}, [
        CaseResult("counter", True, True, "", 1.0, 5),
        CaseResult("todo", False, False, "uses alert()", 1.0, 5)])
    record_run(store, {**summary, "model": "big", "passed": 2}, [])
    third = record_run(store, {**summary, "model": "small", "passed": 2}, [])
    previous = previous_run(store, "basic", "small", third)
    assert previous["run"]["id"] == first and previous["run"]["passed"] == 1
    assert previous["verdicts"] == {"counter": True, "todo": False}
    assert previous_run(store, "basic", "small", first) is None
    store.close()


def test_a_backup_that_cannot_be_made_does_not_keep_the_project_from_opening(keystroke_home):
    from desktop.core.projects.session import open_session

    keystroke_home.mkdir(parents=True, exist_ok=True)
    (keystroke_home / "backups").write_text("a file where the folder should be")
    store = Store()
    session = open_session(store, at_start=True)
    assert session.project is not None and store.state("running") == "1"
    assert "Today's backup could not be written" in session.problem
    assert "Fix:" in session.problem
    store.close()
