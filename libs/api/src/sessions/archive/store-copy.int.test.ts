import { randomUUID } from "node:crypto";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, inject, it } from "vitest";
import { EntryCopy, poolOf } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { parseTranscriptEntry } from "@stratavore/runner";
import { createHarness } from "../../testing/api-harness.ts";
import { finishImportedArchive, openImportedArchive } from "../archive-service.ts";
import { archiveEndedSessions } from "./archive-job.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

const line = (text: string, timestamp: string) =>
  JSON.stringify({ type: "user", uuid: randomUUID(), timestamp, message: { role: "user", content: text } });

/** Imports `lines` as one file of the session, the way an upload does (COPY, then the figures). */
async function importFile(sessionId: string, file: string, lines: string[]): Promise<void> {
  const copy = await openImportedArchive(h.deps, sessionId);
  let offset = 0;
  for (const l of lines) {
    await copy.write([parseTranscriptEntry(l, { file, offset })!]);
    offset += Buffer.byteLength(l) + 1;
  }
  await copy.finish();
  await finishImportedArchive(h.deps, sessionId);
}

/** A new imported session holding `lines` as its main transcript. */
async function importedSession(lines: string[]): Promise<string> {
  const project = await h.db.project.create({ data: { name: uniqueSlug("imp"), path: `/srv/${uniqueSlug("i")}` } });
  const sessionId = randomUUID();
  await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
  await importFile(sessionId, "", lines);
  return sessionId;
}

async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; !done(); i++) {
    if (i > 200) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 25));
  }
}

const retryInSeconds = async (sessionId: string) => {
  const { storeCopyRetryAt } = await h.db.session.findUniqueOrThrow({ where: { id: sessionId } });
  return storeCopyRetryAt ? (storeCopyRetryAt.getTime() - Date.now()) / 1000 : null;
};

const storeCopy = async (sessionId: string) => {
  const s = await h.db.session.findUniqueOrThrow({ where: { id: sessionId } });
  return s.transcriptKey ? gunzipSync(await h.deps.transcripts.get(s.transcriptKey)).toString() : null;
};

describe("the store copy of an imported session", () => {
  it("is made again when lines land after a copy, even with message times older than the copy; it waits while lines are still arriving", async () => {
    const project = await h.db.project.create({ data: { name: uniqueSlug("copy"), path: `/srv/${uniqueSlug("c")}` } });
    const sessionId = randomUUID();
    await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
    // History from last year: every message is older than any copy made today.
    const main = [line("first question", "2025-03-01T10:00:00.000Z"), line("second", "2025-03-01T10:05:00.000Z")];

    // Two uploads side by side: the sub-agent file is in first, and a pass runs before the main one.
    await importFile(sessionId, "agent-a1.jsonl", [line("sub-agent work", "2025-03-01T10:01:00.000Z")]);
    await archiveEndedSessions(h.deps, 1000);
    expect(await storeCopy(sessionId)).toBe("");

    await importFile(sessionId, "", main);
    // Lines were added just now: a pass that waits for a quiet minute leaves the copy as it is.
    await archiveEndedSessions(h.deps, 1000, 60_000);
    expect(await storeCopy(sessionId)).toBe("");

    await archiveEndedSessions(h.deps, 1000);
    expect(await storeCopy(sessionId)).toBe(main.map((l) => `${l}\n`).join(""));
    // Up to date: the next pass does not copy it again.
    const { archivedAt } = await h.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    await archiveEndedSessions(h.deps, 1000);
    expect((await h.db.session.findUniqueOrThrow({ where: { id: sessionId } })).archivedAt).toEqual(archivedAt);
  }, 30_000);

  it("a copy that fails is tried again after a delay that doubles, without holding back other sessions", async () => {
    const stuck = await importedSession([line("will fail", "2025-03-01T10:00:00.000Z")]);
    const put = h.deps.transcripts.put;
    h.deps.transcripts.put = async () => {
      throw new Error("store unreachable");
    };
    try {
      await archiveEndedSessions(h.deps, 1000);
      expect(await retryInSeconds(stuck)).toBeCloseTo(30, -1);
      await h.db.session.update({ where: { id: stuck }, data: { storeCopyRetryAt: new Date(Date.now() - 1000) } });
      await archiveEndedSessions(h.deps, 1000);
      expect(await retryInSeconds(stuck)).toBeCloseTo(60, -1);
    } finally {
      h.deps.transcripts.put = put;
    }
    // The store is back: the session waits out its delay (a pass does not spend a place on it),
    // while one that came later is copied.
    const later = await importedSession([line("fine", "2025-03-01T11:00:00.000Z")]);
    await archiveEndedSessions(h.deps, 1000);
    expect(await storeCopy(stuck)).toBeNull();
    expect(await storeCopy(later)).not.toBeNull();
    await h.db.session.update({ where: { id: stuck }, data: { storeCopyRetryAt: new Date(Date.now() - 1000) } });
    await archiveEndedSessions(h.deps, 1000);
    expect(await storeCopy(stuck)).toContain("will fail");
    expect(await h.db.session.findUniqueOrThrow({ where: { id: stuck } })).toMatchObject({
      storeCopyFailures: 0,
      storeCopyRetryAt: null,
    });
  }, 30_000);

  it("two passes at once (a leadership handover) copy a session once: the second leaves it to the first", async () => {
    const id = await importedSession([line("once", "2025-03-01T10:00:00.000Z")]);
    const put = h.deps.transcripts.put.bind(h.deps.transcripts);
    let puts = 0;
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    h.deps.transcripts.put = async (key, body) => {
      // The first copy is held mid-put; a second would go straight through.
      if (key.includes(id) && ++puts === 1) await held;
      return put(key, body);
    };
    try {
      const first = archiveEndedSessions(h.deps, 1000);
      await waitFor(() => puts === 1);
      await archiveEndedSessions(h.deps, 1000);
      release();
      await first;
    } finally {
      h.deps.transcripts.put = put;
    }
    expect(puts).toBe(1);
    expect(await storeCopy(id)).toContain("once");
  }, 30_000);

  it("gets the lines of an upload that was cut off: they are stamped as they commit", async () => {
    const project = await h.db.project.create({ data: { name: uniqueSlug("cut"), path: `/srv/${uniqueSlug("c")}` } });
    const sessionId = randomUUID();
    await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
    const first = line("arrived", "2025-03-01T10:00:00.000Z");
    // A transaction per line (as a long upload commits every 64 MB), then the sender is gone.
    const copy = await EntryCopy.open(poolOf(h.db), sessionId, 1);
    await copy.write([parseTranscriptEntry(first, { file: "", offset: 0 })!]);
    await copy.abort();
    await archiveEndedSessions(h.deps, 1000);
    expect(await storeCopy(sessionId)).toBe(`${first}\n`);
  }, 30_000);

  it("takes its title from the opening of the first message, whitespace collapsed", async () => {
    const project = await h.db.project.create({ data: { name: uniqueSlug("title"), path: `/srv/${uniqueSlug("t")}` } });
    const sessionId = randomUUID();
    await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
    const first = `\n\n   fix   the\n\nbuild ${"and more ".repeat(5_000)}`;
    await importFile(sessionId, "", [
      line(first, "2025-03-01T10:00:00.000Z"),
      line("later", "2025-03-01T10:01:00.000Z"),
    ]);
    const { title } = await h.db.session.findUniqueOrThrow({ where: { id: sessionId } });
    expect(title).toBe(first.trimStart().replace(/\s+/g, " ").slice(0, 200));
  }, 30_000);
});
