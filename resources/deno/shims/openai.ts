// Val Town's std/openai, offline: chat completions answered by Keystroke's own model
// through a bridge on 127.0.0.1 (KEYSTROKE_MODEL_BRIDGE). Same call shape as the OpenAI
// client: `new OpenAI().chat.completions.create({ messages, ... })`.
const bridge = Deno.env.get("KEYSTROKE_MODEL_BRIDGE");

async function create(body: Record<string, unknown>) {
  if (!bridge) {
    throw new Error("No model is available to this val (Keystroke's model bridge is off).");
  }
  const response = await fetch(`${bridge}/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ ...body, stream: false }),
  });
  const data = await response.json();
  if (!response.ok) throw new Error(data?.error?.message ?? `model error ${response.status}`);
  return data;
}

export class OpenAI {
  chat = { completions: { create } };
  constructor(_options: Record<string, unknown> = {}) {}
}
export { OpenAI as ValTownOpenAI };
export default OpenAI;
