// Val Town's std/blob, offline: each key is a file in the project's blob folder.
const folder = `${Deno.env.get("KEYSTROKE_VAL_DATA") ?? "."}/blob`;

export class ValTownBlobNotFoundError extends Error {
  constructor(key: string) {
    super(`Blob not found: ${key}`);
    this.name = "ValTownBlobNotFoundError";
  }
}

const fileOf = (key: string) => `${folder}/${encodeURIComponent(key)}`;

async function bytesOf(value: unknown): Promise<Uint8Array> {
  if (typeof value === "string") return new TextEncoder().encode(value);
  return new Uint8Array(await new Response(value as BodyInit).arrayBuffer());
}

export const blob = {
  async get(key: string): Promise<Response> {
    try {
      return new Response(await Deno.readFile(fileOf(key)));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) throw new ValTownBlobNotFoundError(key);
      throw err;
    }
  },
  async set(key: string, value: unknown): Promise<void> {
    await Deno.mkdir(folder, { recursive: true });
    await Deno.writeFile(fileOf(key), await bytesOf(value));
  },
  async list(prefix = ""): Promise<{ key: string; size: number; lastModified: string }[]> {
    const found = [];
    try {
      for await (const entry of Deno.readDir(folder)) {
        const key = decodeURIComponent(entry.name);
        if (!entry.isFile || !key.startsWith(prefix)) continue;
        const info = await Deno.stat(`${folder}/${entry.name}`);
        found.push({ key, size: info.size, lastModified: (info.mtime ?? new Date()).toISOString() });
      }
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
    return found.sort((a, b) => a.key.localeCompare(b.key));
  },
  async delete(key: string): Promise<void> {
    try {
      await Deno.remove(fileOf(key));
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) throw err;
    }
  },
  async getJSON(key: string): Promise<unknown> {
    try {
      return await (await blob.get(key)).json();
    } catch (err) {
      if (err instanceof ValTownBlobNotFoundError) return undefined;
      throw err;
    }
  },
  async setJSON(key: string, value: unknown): Promise<void> {
    await blob.set(key, JSON.stringify(value));
  },
  async copy(from: string, to: string): Promise<void> {
    await blob.set(to, await (await blob.get(from)).arrayBuffer());
  },
  async move(from: string, to: string): Promise<void> {
    await blob.copy(from, to);
    await blob.delete(from);
  },
};
export default blob;
