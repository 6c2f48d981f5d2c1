import { sqlite } from "https://esm.town/v/std/sqlite/main.ts";
import { blob } from "https://esm.town/v/std/blob";

await sqlite.execute(`CREATE TABLE IF NOT EXISTS entries (
  id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL)`);

export default async function (req: Request): Promise<Response> {
  const url = new URL(req.url);
  if (req.method === "POST") {
    const { name } = await req.json();
    const result = await sqlite.execute({ sql: "INSERT INTO entries (name) VALUES (?)", args: [name] });
    const visits = ((await blob.getJSON("visits")) as number | undefined ?? 0) + 1;
    await blob.setJSON("visits", visits);
    return Response.json({ id: result.lastInsertRowid, rowsAffected: result.rowsAffected, visits });
  }
  const { columns, rows } = await sqlite.execute("SELECT id, name FROM entries ORDER BY id");
  return Response.json({
    columns,
    byIndex: rows.map((r) => r[1]),
    byName: rows.map((r) => r.name),
    visits: (await blob.getJSON("visits")) ?? 0,
    path: url.pathname,
  });
}
