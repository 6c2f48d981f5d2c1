// Val Town's std/sqlite, offline: one SQLite file per project through node:sqlite.
// Result shape as Val Town documents it: columns, columnTypes, rows (each row works both as
// an array and as an object), rowsAffected, lastInsertRowid. batch() is one transaction.
import { DatabaseSync } from "node:sqlite";

type Args = unknown[] | Record<string, unknown>;
type Statement = string | { sql: string; args?: Args };

const folder = Deno.env.get("KEYSTROKE_VAL_DATA") ?? ".";
const db = new DatabaseSync(`${folder}/sqlite.db`);

// SQLite opens the files these name by itself, past Deno's permissions: a val could write
// outside its own folder. Checked with strings, quoted names and comments taken out, so the
// words may still appear in data.
const NAMES_A_FILE = [
  /\battach\b/i,
  /\bvacuum\b[^;]*\binto\b/i,
  /\bpragma\s+(?:\w+\s*\.\s*)?(?:temp_store_directory|data_store_directory)\b/i,
  /\bload_extension\b/i,
];

function refuseFiles(sql: string) {
  const bare = sql
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/`[^`]*`|\[[^\]]*\]/g, "x")
    .replace(/\/\*[\s\S]*?(?:\*\/|$)/g, " ")
    .replace(/--[^\n]*/g, " ");
  if (NAMES_A_FILE.some((pattern) => pattern.test(bare))) {
    throw new Error("This statement names a file outside the val's data (ATTACH, VACUUM " +
                    "INTO, a directory pragma); a val keeps everything in its one database.");
  }
}

function run(stmt: Statement) {
  const { sql, args } = typeof stmt === "string" ? { sql: stmt, args: [] } : stmt;
  refuseFiles(sql);
  const prepared = db.prepare(sql);
  const params = Array.isArray(args ?? []) ? (args ?? []) as unknown[] : [args];
  const columns = prepared.columns().map((c) => c.name);
  if (columns.length === 0) {
    const info = prepared.run(...(params as never[]));
    return { columns, columnTypes: [], rows: [], rowsAffected: Number(info.changes),
             lastInsertRowid: Number(info.lastInsertRowid) };
  }
  const rows = prepared.all(...(params as never[])).map((record) => {
    const values = columns.map((name) => (record as Record<string, unknown>)[name]);
    const row = Object.assign([...values], record) as unknown[] & Record<string, unknown>;
    return row;
  });
  const columnTypes = prepared.columns().map((c) => c.type ?? "");
  return { columns, columnTypes, rows, rowsAffected: 0, lastInsertRowid: null };
}

export const sqlite = {
  execute(stmt: Statement) {
    return Promise.resolve().then(() => run(stmt));
  },
  batch(stmts: Statement[], _mode: "write" | "read" | "deferred" = "deferred") {
    return Promise.resolve().then(() => {
      db.exec("BEGIN");
      try {
        const results = stmts.map(run);
        db.exec("COMMIT");
        return results;
      } catch (err) {
        db.exec("ROLLBACK");
        throw err;
      }
    });
  },
};
export default sqlite;
