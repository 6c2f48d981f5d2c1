"""A val in the window: it runs under the real Deno, keeps its data across restarts, and a
broken version shows its server error with a working Fix it. A scripted provider stands in
for the model."""

from __future__ import annotations

import json
import os
import signal
import urllib.request

import pytest
from PySide6.QtCore import Qt

from tests.fakes.scripted_provider import ScriptedProvider
from tests.ui.conftest import PreviewReader

GUESTBOOK = '''import { sqlite } from "https://esm.town/v/std/sqlite/main.ts";

await sqlite.execute("CREATE TABLE IF NOT EXISTS entries (name TEXT NOT NULL)");

export default async function (req: Request): Promise<Response> {
  if (req.method === "POST") {
    const { name } = await req.json();
    await sqlite.execute({ sql: "INSERT INTO entries (name) VALUES (?)", args: [name] });
    return Response.json({ ok: true });
  }
  const { rows } = await sqlite.execute("SELECT name FROM entries");
  const items = rows.map((r) => `<li>${r.name}</li>`).join("");
  return new Response(`<!DOCTYPE html><html><body><h1>TITLE</h1><ul>${items}</ul></body></html>`,
    { headers: { "Content-Type": "text/html; charset=utf-8" } });
}
'''
BROKEN = '''export default async function (req: Request): Promise<Response> {
  const entries: any = undefined;
  return new Response(entries.length);
}
'''


MAILER = '''import { email } from "https://esm.town/v/std/email";

export default async function (req: Request): Promise<Response> {
  await email({ subject: "New message", text: "Someone wrote: hello" });
  return new Response("<p>Sent!</p>", { headers: { "Content-Type": "text/html" } });
}
'''


HAIKU = '''import { OpenAI } from "https://esm.town/v/std/openai";

export default async function (req: Request): Promise<Response> {
  const reply = await new OpenAI().chat.completions.create({ model: "gpt-4o-mini",
    messages: [{ role: "user", content: "A haiku about tea" }] });
  return new Response(`<p>${reply.choices[0].message.content}</p>`,
    { headers: { "Content-Type": "text/html" } });
}
'''


def reply(instruction: str) -> str:
    if instruction == "A haiku about tea":  # the val asking, through the model bridge
        return "Steam rises, leaves unfurl"
    if "haiku" in instruction:
        return f"```ts\n{HAIKU}```"
    if "emails me" in instruction:
        return f"```ts\n{MAILER}```"
    if instruction == "call it Visitors":  # a scoped edit of the val's heading
        return "```html\n<h1>Visitors</h1>\n```"
    if instruction.startswith("Fix these errors"):
        code = GUESTBOOK.replace("TITLE", "Guestbook, fixed")
    elif "break" in instruction:
        code = BROKEN
    elif "bigger" in instruction:
        code = GUESTBOOK.replace("TITLE", "Guestbook, bigger")
    else:
        code = GUESTBOOK.replace("TITLE", "Guestbook")
    return f"```ts\n{code}```"


@pytest.fixture
def provider() -> ScriptedProvider:
    """The window fixture (tests/ui/conftest.py) with a model that writes vals."""
    return ScriptedProvider(reply=reply, chunks=6, delay_s=0.005)


def commit(qtbot, win, instruction: str, versions: int) -> None:
    win.prompt.setPlainText(instruction)
    qtbot.waitUntil(lambda: not win.loop.busy, timeout=10000)
    qtbot.keyClick(win.prompt, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: win.history.list.count() == versions, timeout=10000)


def test_a_guestbook_val_runs_keeps_entries_and_a_broken_version_can_be_fixed(qtbot, window):
    preview = PreviewReader(qtbot, window.preview)
    commit(qtbot, window, "a guestbook that stores entries in sqlite", 1)
    assert window.loop.base_code.startswith("import { sqlite }")
    preview.wait_for_text("Guestbook")
    url = window.preview.url().toString()
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=json.dumps({"name": "Ada"}).encode(),
                                     method="POST")
    assert json.loads(urllib.request.urlopen(request, timeout=10).read()) == {"ok": True}

    commit(qtbot, window, "make the title bigger", 2)  # a new version: the val restarts
    preview.wait_for_text("Guestbook, bigger")
    assert "Ada" in preview.text()  # the entry survived the restart

    commit(qtbot, window, "break it", 3)
    qtbot.waitUntil(lambda: window.error_bar.isVisible(), timeout=10000)
    assert "Server: Cannot read properties of undefined" in window.error_bar.label.text()
    assert "main.http.ts:3" in window.error_bar.label.toolTip()
    qtbot.mouseClick(window.error_bar.fix_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.history.list.count() == 4, timeout=10000)
    preview.wait_for_text("Guestbook, fixed")
    assert "Ada" in preview.text()
    with qtbot.assertNotEmitted(window.val_preview.server_error, wait=800):
        pass  # the fixed val serves without errors
    assert not window.error_bar.isVisible()


def test_when_deno_dies_the_error_bar_says_so_and_the_last_page_stays(qtbot, window):
    preview = PreviewReader(qtbot, window.preview)
    commit(qtbot, window, "a guestbook that stores entries in sqlite", 1)
    preview.wait_for_text("Guestbook")
    os.kill(window.val_preview.server.pid, signal.SIGKILL)  # as if Deno crashed
    qtbot.waitUntil(lambda: window.error_bar.isVisible(), timeout=5000)
    assert "The val stopped: Deno exited (-9)" in window.error_bar.label.text()
    assert "Guestbook" in preview.text()


def test_emails_a_val_sends_are_kept_in_the_projects_outbox(qtbot, window):
    from desktop.ui.dialogs.outbox_dialog import OutboxDialog

    preview = PreviewReader(qtbot, window.preview)
    commit(qtbot, window, "/val a contact form that emails me", 1)
    preview.wait_for_text("Sent!")
    dialog = OutboxDialog(window.session.val_sandbox() / "outbox", window)
    qtbot.waitUntil(lambda: dialog.emails != [], timeout=5000)
    assert dialog.list.item(0).text() == "New message"
    assert "Someone wrote: hello" in dialog.body.toPlainText()
    dialog.deleteLater()


def test_a_vals_model_calls_count_in_usage_and_cost(qtbot, window):
    from desktop.core.store import Store

    preview = PreviewReader(qtbot, window.preview)
    commit(qtbot, window, "/val a haiku writer", 1)
    preview.wait_for_text("Steam rises, leaves unfurl")

    def counted() -> list:
        store = Store()
        try:
            return store.db.execute(
                "SELECT m.content, m.provider FROM messages m WHERE m.role = 'assistant' AND "
                "m.route_reason = 'a val asked the model (std/openai)'").fetchall()
        finally:
            store.close()

    qtbot.waitUntil(lambda: bool(counted()), timeout=10000)
    assert tuple(counted()[0]) == ("Steam rises, leaves unfurl", "scripted")


def test_an_element_of_a_vals_page_is_found_in_its_code_and_changed_alone(qtbot, window):
    from tests.ui.test_scoped_window import pick

    preview = PreviewReader(qtbot, window.preview)
    commit(qtbot, window, "a guestbook that stores entries in sqlite", 1)
    preview.wait_for_text("Guestbook")
    pick(qtbot, window, "h1")
    qtbot.waitUntil(lambda: window.scoping.chip.label.text() == "h1", timeout=5000)
    scope = window.loop.scope
    assert window.loop.base_code[scope.start:scope.end] == "<h1>Guestbook</h1>"
    before = window.loop.base_code
    commit(qtbot, window, "call it Visitors", 2)
    assert window.loop.base_code == before.replace("<h1>Guestbook</h1>", "<h1>Visitors</h1>")
    preview.wait_for_text("Visitors")
