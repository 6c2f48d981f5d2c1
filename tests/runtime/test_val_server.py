"""HTTP vals under the real Deno, with the offline std shims."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from desktop.core.runtime.import_map import import_map, std_imports
from desktop.core.runtime.model_bridge import ModelBridge
from desktop.core.runtime.val_server import ValRuntimeError, ValServer
from tests.conftest import REPO
from tests.fakes.scripted_provider import ScriptedProvider

GUESTBOOK = (Path(__file__).parent.parent / "vals" / "guestbook.http.ts").read_text()


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def post_json(url: str, payload: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_a_val_with_sqlite_and_blob_answers_and_keeps_its_data_across_a_restart(server):
    url = server.start(GUESTBOOK)
    assert post_json(url, {"name": "Ada"}) == {"id": 1, "rowsAffected": 1, "visits": 1}
    assert post_json(url, {"name": "Grace"})["visits"] == 2
    started = time.perf_counter()
    url = server.start(GUESTBOOK)  # what a code change does
    assert time.perf_counter() - started < 1.0
    status, body = get(url + "entries")
    assert status == 200
    assert json.loads(body) == {"columns": ["id", "name"], "byIndex": ["Ada", "Grace"],
                                "byName": ["Ada", "Grace"], "visits": 2, "path": "/entries"}
    assert (server.sandbox / "sqlite.db").exists() and server.errors == []


def test_a_val_that_throws_answers_500_and_its_error_is_captured_with_the_stack(server):
    url = server.start("export default async function (req: Request) {\n"
                       "  const data: any = null;\n"
                       "  return new Response(data.items.length);\n}\n")
    status, body = get(url)
    assert status == 500 and "Cannot read properties of null" in body
    [error] = server.wait_for_errors(1)
    assert error.kind == "request" and "main.http.ts:3" in error.stack


def test_reading_outside_the_sandbox_is_denied_and_reported_not_a_crash(server):
    url = server.start("export default async function () {\n"
                       "  return new Response(await Deno.readTextFile('/etc/hostname'));\n}\n")
    status, body = get(url)
    assert status == 500 and "Requires read access" in body
    assert "Requires read access" in server.wait_for_errors(1)[0].message
    assert server.running and get(url)[0] == 500  # still serving


def test_a_val_that_does_not_compile_says_why(server):
    with pytest.raises(ValRuntimeError, match="did not start: SyntaxError"):
        server.start("export default 42 +\n")
    assert not server.running


def test_a_std_module_without_a_shim_gets_a_clear_message(server):
    with pytest.raises(ValRuntimeError, match="std/utils, which Keystroke cannot run offline"):
        server.start('import { readFile } from "https://esm.town/v/std/utils/index.ts";\n'
                     "export default () => new Response('x');\n")


def test_std_openai_is_answered_by_keystrokes_own_model(tmp_path):
    model = ScriptedProvider(reply=lambda _text: "Steam rises, leaves unfurl", delay_s=0)
    bridge = ModelBridge(lambda: model)
    server = ValServer(tmp_path / "sandbox", bridge.url)
    try:
        url = server.start(
            'import { OpenAI } from "https://esm.town/v/std/openai";\n'
            "const openai = new OpenAI();\n"
            "export default async function () {\n"
            "  const reply = await openai.chat.completions.create({ model: 'gpt-4o-mini',\n"
            "    messages: [{ role: 'user', content: 'A haiku about tea' }], max_tokens: 30 });\n"
            "  return Response.json({ text: reply.choices[0].message.content,\n"
            "                         tokens: reply.usage.completion_tokens });\n}\n")
        status, body = get(url)
    finally:
        server.stop()
        bridge.close()
    assert status == 200
    assert json.loads(body) == {"text": "Steam rises, leaves unfurl", "tokens": 12}
    assert model.other_requests[0].messages[-1].content == "A haiku about tea"
    assert model.other_requests[0].max_tokens == 30


def test_without_deno_the_message_says_how_to_get_it(server, monkeypatch):
    monkeypatch.setitem(sys.modules, "deno", None)  # as if the package were not installed
    with pytest.raises(ValRuntimeError, match="pip install deno"):
        server.start(GUESTBOOK)


def test_the_import_map_names_every_std_specifier_the_val_uses(tmp_path):
    code = ('import { sqlite } from "https://esm.town/v/std/sqlite?v=4";\n'
            "import { blob } from 'https://esm.town/v/std/blob/main.ts';\n"
            'import { email } from "https://esm.town/v/std/email";\n')
    assert std_imports(code) == {"https://esm.town/v/std/sqlite?v=4": "sqlite",
                                 "https://esm.town/v/std/blob/main.ts": "blob",
                                 "https://esm.town/v/std/email": "email"}
    mapped = import_map(code, tmp_path)["imports"]
    assert mapped["https://esm.town/v/std/sqlite?v=4"] == (tmp_path / "sqlite.ts").as_uri()


def test_keystroke_serve_prints_the_url_and_serves(keystroke_home, tmp_path):
    val = tmp_path / "hello.http.ts"
    val.write_text("export default () => new Response('hello from a val');\n")
    env = {"KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "PATH": "/usr/bin:/bin"}
    process = subprocess.Popen([sys.executable, "-m", "desktop", "serve", str(val)], cwd=REPO,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    try:
        url = process.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        assert get(url) == (200, "hello from a val")
    finally:
        process.terminate()
        process.communicate(timeout=10)


@pytest.mark.parametrize(("body", "exit_code", "needle"), [
    ("return new Response('<h1>Fine</h1>', {headers: {'Content-Type': 'text/html'}});", 0, ""),
    ("const data: any = null; return new Response(data.items);", 1, "Cannot read properties"),
])
def test_keystroke_check_runs_a_val_and_reports_server_errors(body, exit_code, needle,
                                                              keystroke_home, tmp_path):
    val = tmp_path / "app.http.ts"
    val.write_text(f"export default async function (req: Request) {{ {body} }}\n")
    env = {"KEYSTROKE_HOME": str(keystroke_home), "PYTHONPATH": str(REPO),
           "QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin",
           "QTWEBENGINE_DISABLE_SANDBOX": "1"}
    run = subprocess.run([sys.executable, "-m", "desktop", "check", str(val), "--json"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == exit_code, run.stderr
    report = json.loads(run.stdout)
    assert report["target"] == str(val)
    if needle:  # Chromium calls a 500 answer a failed load; the server's stack says why
        assert report["threw"] and len(report["server_errors"]) == 1
        [error] = report["server_errors"]
        assert needle in error and "main.http.ts:1" in error
    else:
        assert report["loaded"] and report["server_errors"] == []
        assert report["text_length"] == 4  # "Fine"


def test_sqlite_batch_is_one_transaction_and_blob_lists_and_deletes(server):
    url = server.start('''import { sqlite } from "https://esm.town/v/std/sqlite";
import { blob } from "https://esm.town/v/std/blob/main.ts";

export default async function (): Promise<Response> {
  await sqlite.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER UNIQUE)");
  await sqlite.batch(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"]);
  let failed = false;
  try {
    await sqlite.batch(["INSERT INTO t VALUES (3)", "INSERT INTO t VALUES (1)"]);
  } catch {
    failed = true;  // the duplicate fails the batch, and 3 is rolled back with it
  }
  const named = await sqlite.execute({ sql: "SELECT n FROM t WHERE n > :min", args: { min: 1 } });
  await blob.set("a/1", "one");
  await blob.setJSON("a/2", { two: 2 });
  await blob.set("b/1", "other");
  const listed = (await blob.list("a/")).map((b) => b.key);
  await blob.delete("a/1");
  let missing = "";
  try {
    await blob.get("a/1");
  } catch (err) {
    missing = (err as Error).name;
  }
  const rows = (await sqlite.execute("SELECT n FROM t ORDER BY n")).rows.map((r) => r[0]);
  return Response.json({ failed, rows, named: named.rows.map((r) => r.n), listed,
                         json: await blob.getJSON("a/2"), missing,
                         none: (await blob.getJSON("nothing")) ?? null });
}
''')
    status, body = get(url)
    assert status == 200, body
    assert json.loads(body) == {"failed": True, "rows": [1, 2], "named": [2],
                                "listed": ["a/1", "a/2"], "json": {"two": 2},
                                "missing": "ValTownBlobNotFoundError", "none": None}
