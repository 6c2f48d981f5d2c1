// Val Town's std/email, offline: each email is a JSON file in the project's outbox folder.
const outbox = `${Deno.env.get("KEYSTROKE_VAL_DATA") ?? "."}/outbox`;

export async function email(message: Record<string, unknown>): Promise<{ message: string }> {
  await Deno.mkdir(outbox, { recursive: true });
  const name = `${new Date().toISOString().replaceAll(":", "-")}-${crypto.randomUUID()}.json`;
  await Deno.writeTextFile(`${outbox}/${name}`, JSON.stringify(message, null, 2));
  return { message: "Email kept in the local outbox (Keystroke runs vals offline)." };
}
export default email;
