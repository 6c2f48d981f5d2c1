// Serves one Val Town HTTP val on 127.0.0.1 for Keystroke's preview.
// Usage: deno run <permissions> --import-map map.json server.ts <val file URL> [port]
// Prints "KEYSTROKE_LISTENING <port>" once it listens, and one "KEYSTROKE_ERROR <json>" line
// for every error it catches, so the app can show them without parsing Deno's own output.

function report(kind: string, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  console.error(`KEYSTROKE_ERROR ${JSON.stringify({ kind, message: e.message, stack: e.stack ?? "" })}`);
}

let handler: (req: Request) => Response | Promise<Response>;
try {
  const mod = await import(Deno.args[0]);
  handler = mod.default;
  if (typeof handler !== "function") {
    throw new TypeError("The val must `export default` a function (req: Request) => Response.");
  }
} catch (err) {
  report("startup", err);
  Deno.exit(1);
}

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.args[1] ?? 0), // 0: any free port
  onListen: ({ port }) => console.log(`KEYSTROKE_LISTENING ${port}`),
}, async (req) => {
  try {
    const res = await handler(req);
    if (!(res instanceof Response)) {
      throw new TypeError("The val's handler returned something that is not a Response.");
    }
    return res;
  } catch (err) {
    report("request", err);
    const message = err instanceof Error ? err.message : String(err);
    return new Response(`The val threw an error: ${message}`, { status: 500 });
  }
});
