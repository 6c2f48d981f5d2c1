// Drives the fake Val Town API with the official TypeScript SDK (@valtown/sdk) to show the
// fake answers the way the real API does. Prints one JSON object with what it saw.
import ValTown from "@valtown/sdk";

const client = new ValTown({ maxRetries: 0 }); // VAL_TOWN_API_KEY and VAL_TOWN_BASE_URL
const seen = {};
seen.me = (await client.me.profile.retrieve()).username;
const val = await client.vals.create({ name: "sdkProbe", privacy: "public" });
seen.val = val.name;
await client.vals.files.create(val.id, { path: "backend", type: "directory" });
const file = await client.vals.files.create(val.id, {
  path: "backend/main.http.ts", type: "http", content: "export default () => new Response('ok');",
});
seen.endpoint = file.links.endpoint;
const updated = await client.vals.files.update(val.id, {
  path: "backend/main.http.ts", content: "export default () => new Response('v2');",
});
seen.updatedVersion = updated.version;
const listed = [];
for await (const f of client.vals.files.retrieve(val.id, { path: "", recursive: true })) {
  listed.push(`${f.type}:${f.path}`);
}
seen.listed = listed;
const branches = [];
for await (const b of client.vals.branches.list(val.id, {})) branches.push(b.name);
seen.branches = branches;
try {
  await client.vals.create({ name: "sdkProbe", privacy: "public" });
} catch (err) {
  seen.conflict = `${err.constructor.name} ${err.status}`;
}
try {
  await client.vals.files.update(val.id, { path: "missing.ts", content: "x" });
} catch (err) {
  seen.missing = `${err.constructor.name} ${err.status}`;
}
console.log(JSON.stringify(seen));
