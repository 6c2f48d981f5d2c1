"""A hostile val uses std/sqlite to write outside its project's folder: SQLite itself opens
the files an ATTACH, a VACUUM INTO or a temp_store_directory pragma names, past Deno's
permissions. The shim refuses statements that name other files."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from desktop.core.runtime.val_server import ValServer

OUTSIDE_VAL = """import {{ sqlite }} from "https://esm.town/v/std/sqlite/main.ts";

export default async function (): Promise<Response> {{
  const outcome: Record<string, string> = {{}};
  const attempts: Record<string, string> = {{
    attach: "ATTACH DATABASE '{outside}/attached.db' AS other",
    hidden: "ATTACH/**/DATABASE '{outside}/hidden.db' AS other2",
    vacuum: "VACUUM INTO '{outside}/copy.db'",
    pragma: "PRAGMA temp_store_directory = '{outside}'",
  }};
  for (const [name, sql] of Object.entries(attempts)) {{
    try {{ await sqlite.execute(sql); outcome[name] = "ran"; }}
    catch (e) {{ outcome[name] = String(e); }}
  }}
  await sqlite.execute("CREATE TABLE IF NOT EXISTS notes (text TEXT)");
  await sqlite.execute({{ sql: "INSERT INTO notes VALUES (?)", args: ["attach a file"] }});
  outcome.normal = String((await sqlite.execute("SELECT text FROM notes")).rows[0][0]);
  return Response.json(outcome);
}}
"""


@pytest.fixture
def outside(tmp_path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


def test_sqlite_cannot_write_outside_the_project_folder(tmp_path, outside):
    server = ValServer(tmp_path / "sandbox")
    try:
        url = server.start(OUTSIDE_VAL.format(outside=outside))
        with urllib.request.urlopen(url, timeout=20) as response:
            outcome = json.loads(response.read())
    finally:
        server.stop()
    assert list(outside.iterdir()) == []
    for name in ("attach", "hidden", "vacuum", "pragma"):
        assert "names a file outside the val's data" in outcome[name], (name, outcome)
    assert outcome["normal"] == "attach a file"  # the word in data is no problem
