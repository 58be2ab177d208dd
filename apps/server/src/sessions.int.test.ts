import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { applyRetention, archiveEndedSessions, S3Store } from "@stratavore/api";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import S3rver from "s3rver";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

let h: FleetHarness;
let workdir: string;
beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  workdir = join(h.tmp, "checkout");
  await mkdir(workdir, { recursive: true });
});
afterAll(() => h?.stop());

const transcriptIn = (home: string, sessionId: string) =>
  join(home, ".claude/projects", workdir.replace(/[^a-zA-Z0-9]/g, "-"), `${sessionId}.jsonl`);

describe("session archive, search and resume on another node", () => {
  it("archives a runner's transcript as it grows, finds a phrase, and resumes the session on a second node after restoring the transcript there", async () => {
    const nodeA = uniqueSlug("a");
    const nodeB = uniqueSlug("b");
    const a = await h.startAgent(nodeA);
    const b = await h.startAgent(nodeB);
    const project = await h.api.projects.create({ name: uniqueSlug("arch"), path: workdir });
    const r = await h.api.runners.launch({ project: project.name, node: nodeA });
    const word = `zebra${Date.now().toString(36)}`;
    for (const text of [`plan the ${word} migration`, "and write the tests"]) {
      h.server.deps.fleet.agents.input(r.nodeId!, r.id, `${text}\r`);
      await new Promise((res) => setTimeout(res, 300));
    }
    // The transcript grows while the runner runs; the archive follows it line by line.
    const original = await waitFor(
      "every line of the transcript archived",
      async () => {
        const s = await h.api.sessions.get({ id: r.sessionId! }).catch(() => null);
        const lines = (await readFile(transcriptIn(a.home, r.sessionId!), "utf8")).split("\n").filter((l) => l.trim());
        return s && lines.some((l) => l.includes("and write the tests")) && s.entryCount === lines.length ? s : null;
      },
      20_000,
    );
    expect(original.title).toContain(word);
    const fileOnA = await readFile(transcriptIn(a.home, r.sessionId!), "utf8");

    const found = await h.api.sessions.list({ search: word });
    expect(found.hits[0]?.session.id).toBe(r.sessionId);
    expect(found.hits[0]?.snippet).toContain(`<mark>${word}</mark>`);

    // Export: the archived JSONL is the original transcript's lines, byte for byte.
    const jsonl = await h.api.sessions.export({ id: r.sessionId!, format: "jsonl" });
    expect(jsonl.content).toBe(fileOnA);
    const md = await h.api.sessions.export({ id: r.sessionId!, format: "md" });
    expect(md.content).toContain("## User");
    expect(md.content).toContain(word);

    await h.api.runners.stop({ id: r.id });
    await waitFor("stopped", async () => (await h.api.runners.get({ id: r.id })).status === "terminated");

    // Node B has never seen this session: the server restores it there, then claude resumes it.
    expect(existsSync(transcriptIn(b.home, r.sessionId!))).toBe(false);
    const resumed = await h.api.sessions.resume({ id: r.sessionId!, node: nodeB });
    expect(resumed).toMatchObject({
      status: "running",
      nodeName: nodeB,
      conversationMode: "resume",
      sessionId: r.sessionId,
    });
    expect(await readFile(transcriptIn(b.home, r.sessionId!), "utf8")).toBe(fileOnA);
    await waitFor("the resumed claude read the old conversation", async () =>
      h.server.deps.fleet.scrollback
        .since(resumed.id)
        .map((c) => c.data)
        .join("")
        .includes(r.sessionId!),
    );
    // The conversation goes on on B…
    h.server.deps.fleet.agents.input(resumed.nodeId!, resumed.id, "carry on from node B\r");
    const fileOnB = await waitFor(
      "B's turn archived",
      async () => {
        const text = await readFile(transcriptIn(b.home, r.sessionId!), "utf8");
        const s = await h.api.sessions.get({ id: r.sessionId! });
        const lines = text.split("\n").filter((l) => l.trim());
        return text.includes("carry on from node B") && s.entryCount === lines.length ? text : null;
      },
      20_000,
    );
    await h.api.runners.stop({ id: resumed.id });
    await waitFor("B stopped", async () => (await h.api.runners.get({ id: resumed.id })).status === "terminated");
    // …and comes back to A, whose copy stops where it left: replaced by the archive, so claude
    // there goes on with B's turn in its conversation.
    expect(await readFile(transcriptIn(a.home, r.sessionId!), "utf8")).toBe(fileOnA);
    const back = await h.api.sessions.resume({ id: r.sessionId!, node: nodeA });
    expect(back).toMatchObject({ status: "running", nodeName: nodeA, sessionId: r.sessionId });
    expect(await readFile(transcriptIn(a.home, r.sessionId!), "utf8")).toBe(fileOnB);
    await h.api.runners.stop({ id: back.id });
  }, 90_000);
});

describe("transcript store", () => {
  it("an ended session's JSONL goes to the filesystem store gzip-compressed with its checksum; retention deletes old objects", async () => {
    const node = uniqueSlug("st");
    const agent = await h.startAgent(node);
    const project = await h.api.projects.create({ name: uniqueSlug("store"), path: workdir });
    const r = await h.api.runners.launch({ project: project.name, node });
    h.server.deps.fleet.agents.input(r.nodeId!, r.id, "keep this forever\r");
    await waitFor(
      "archived line",
      async () => ((await h.api.sessions.get({ id: r.sessionId! }).catch(() => null))?.entryCount ?? 0) >= 3,
    );
    await h.api.runners.stop({ id: r.id });
    await waitFor("stopped", async () => (await h.api.runners.get({ id: r.id })).status === "terminated");
    await new Promise((res) => setTimeout(res, 600)); // the agent's last poll after the exit
    await archiveEndedSessions(h.server.deps, 1000);
    const row = await h.db.session.findUniqueOrThrow({ where: { id: r.sessionId! } });
    expect(row.transcriptKey).toBe(`${project.id}/${r.sessionId}.jsonl.gz`);
    const body = await h.server.deps.transcripts.get(row.transcriptKey!);
    expect(createHash("sha256").update(body).digest("hex")).toBe(row.transcriptSha256);
    expect(Number(row.transcriptSize)).toBe(body.length);
    expect(gunzipSync(body).toString()).toBe(await readFile(transcriptIn(agent.home, r.sessionId!), "utf8"));
    // The filesystem store has no presigned URLs (S3 has); the API still reports checksum and size.
    expect(await h.api.sessions.transcript({ id: r.sessionId! })).toMatchObject({
      stored: true,
      url: null,
      sha256: row.transcriptSha256,
      sizeBytes: body.length,
    });

    // Retention: with a cutoff in the future every object is "old" and is removed.
    expect(await applyRetention(h.server.deps, 1, new Date(Date.now() + 2 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect((await h.db.session.findUniqueOrThrow({ where: { id: r.sessionId! } })).transcriptKey).toBeNull();
    await expect(h.server.deps.transcripts.get(row.transcriptKey!)).rejects.toThrow();
  }, 60_000);

  // The S3 store against a real S3-compatible server on local disk (s3rver, npm): signed
  // requests, a presigned download fetched over HTTP, delete.
  it("S3 store round trip with a presigned URL, against s3rver", async () => {
    const dir = join(h.tmp, "s3");
    await mkdir(dir, { recursive: true });
    const s3 = new S3rver({
      port: 0,
      address: "127.0.0.1",
      silent: true,
      directory: dir,
      configureBuckets: [{ name: "stratavore-test" }],
    });
    const { port } = await s3.run();
    try {
      const store = new S3Store({
        bucket: "stratavore-test",
        prefix: `t-${Date.now()}/`,
        region: "us-east-1",
        endpoint: `http://127.0.0.1:${port}`,
        // s3rver's fixed credentials.
        accessKeyId: "S3RVER",
        secretAccessKey: "S3RVER",
      });
      const body = gzipSync(Buffer.from('{"type":"user"}\n'));
      await store.put("a.jsonl.gz", body);
      expect((await store.get("a.jsonl.gz")).equals(body)).toBe(true);
      const url = await store.downloadUrl("a.jsonl.gz", 60);
      expect(url).toContain(`127.0.0.1:${port}`);
      expect(Buffer.from(await (await fetch(url)).arrayBuffer()).equals(body)).toBe(true);
      await store.delete("a.jsonl.gz");
      await expect(store.get("a.jsonl.gz")).rejects.toThrow();
    } finally {
      await s3.close();
    }
  });
});
