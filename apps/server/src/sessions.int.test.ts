import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";

let h: FleetHarness;
let workdir: string;
beforeAll(async () => {
  h = await FleetHarness.start(inject("databaseUrl"));
  workdir = join(h.tmp, "checkout");
  await mkdir(workdir, { recursive: true });
});
afterAll(() => h?.stop());

const transcriptIn = (home: string, sessionId: string) => join(home, ".claude/projects", workdir.replace(/[^a-zA-Z0-9]/g, "-"), `${sessionId}.jsonl`);

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
    const original = await waitFor("every line of the transcript archived", async () => {
      const s = await h.api.sessions.get({ id: r.sessionId! }).catch(() => null);
      const lines = (await readFile(transcriptIn(a.home, r.sessionId!), "utf8")).split("\n").filter((l) => l.trim());
      return s && lines.some((l) => l.includes("and write the tests")) && s.entryCount === lines.length ? s : null;
    }, 20_000);
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
    expect(resumed).toMatchObject({ status: "running", nodeName: nodeB, conversationMode: "resume", sessionId: r.sessionId });
    expect(await readFile(transcriptIn(b.home, r.sessionId!), "utf8")).toBe(fileOnA);
    await waitFor("the resumed claude read the old conversation", async () => h.server.deps.fleet.scrollback.since(resumed.id).map((c) => c.data).join("").includes(r.sessionId!));
    await h.api.runners.stop({ id: resumed.id });
  }, 90_000);
});
