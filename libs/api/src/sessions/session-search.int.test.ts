import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import type { TranscriptEntryInput } from "@stratavore/contracts";
import { ensureSession, insertEntries, refreshSessionStats } from "@stratavore/db";
import { createScratchDatabase, uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

let offset = 0;
function entry(text: string, type = "user"): TranscriptEntryInput {
  const uuid = randomUUID();
  const raw = { type, uuid, timestamp: new Date().toISOString(), message: { role: type, content: text } };
  return {
    uuid,
    parentUuid: null,
    type,
    role: type,
    text,
    toolNames: [],
    isSidechain: false,
    timestamp: raw.timestamp,
    file: "",
    offset: (offset += 100),
    rawLine: JSON.stringify(raw),
  };
}

async function session(lines: string[], on = h): Promise<string> {
  const id = randomUUID();
  await ensureSession(on.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  await insertEntries(
    on.db,
    id,
    lines.map((l, i) => entry(l, i % 2 ? "assistant" : "user")),
  );
  await refreshSessionStats(on.db, id);
  return id;
}

it("full-text search ranks the session that talks most about a term first, with highlighted snippets", async () => {
  const term = uniqueSlug("okapi").replace("-", "");
  const strong = await session([
    `the ${term} parser breaks on ${term} input`,
    `fix the ${term} tokenizer for ${term} files`,
    `${term} ${term} tests pass`,
  ]);
  const weak = await session([`unrelated work on the build`, `mention ${term} once`]);
  await session(["nothing to see here", "more text without the word"]);
  const { hits } = await (await h.as("viewer")).api.sessions.list({ search: term });
  expect(hits.map((x) => x.session.id)).toEqual([strong, weak]);
  expect(hits[0]!.snippet).toContain(`<mark>${term}</mark>`);
  expect(hits[0]!.rank).toBeGreaterThan(hits[1]!.rank);
});

it("similar sessions: the one sharing a session's characteristic words comes first", async () => {
  // Its own database: "characteristic" is relative to the whole archive, and other test files
  // (the real-claude suite among them) leave long transcripts in the shared one.
  const own = createHarness(await createScratchDatabase(inject("adminUrl"), "similar"));
  const a = uniqueSlug("quokka").replace("-", "");
  const b = uniqueSlug("narwhal").replace("-", "");
  const base = await session(
    [`migrate the ${a} schema to ${b} storage`, `${a} migration and ${b} indexes`, `verify ${a} rows`],
    own,
  );
  const twin = await session([`the ${a} schema needs ${b} indexes`, `${a} ${b} migration done`], own);
  const other = await session([`write the release notes`, `update the changelog and ${b}`], own);
  await session(["refactor the build scripts", "the release pipeline is green"], own);
  const { api } = await own.as("viewer");
  const similar = await api.sessions.similar({ id: base });
  expect(similar[0]?.session.id).toBe(twin);
  const ids = similar.map((s) => s.session.id);
  if (ids.includes(other)) expect(ids.indexOf(other)).toBeGreaterThan(ids.indexOf(twin));
  await own.close();
});

it("archive is idempotent: replayed and out-of-order lines give the same entries", async () => {
  const lines = ["first question", "first answer", "second question", "second answer"].map((t, i) =>
    entry(t, i % 2 ? "assistant" : "user"),
  );
  const once = randomUUID();
  const scrambled = randomUUID();
  for (const id of [once, scrambled]) await ensureSession(h.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  await insertEntries(h.db, once, lines);
  // The same lines arriving late, twice, and in another order.
  await insertEntries(h.db, scrambled, [lines[2]!, lines[0]!]);
  await insertEntries(h.db, scrambled, [...lines].reverse());
  await insertEntries(h.db, scrambled, lines);
  const read = (id: string) =>
    h.db.transcriptEntry.findMany({
      where: { sessionId: id },
      orderBy: [{ file: "asc" }, { offset: "asc" }],
      select: { uuid: true, text: true, rawLine: true, offset: true },
    });
  expect(await read(scrambled)).toEqual(await read(once));
  expect(await read(once)).toHaveLength(4);
  const { api } = await h.as("viewer");
  expect((await api.sessions.export({ id: scrambled, format: "jsonl" })).content).toBe(
    (await api.sessions.export({ id: once, format: "jsonl" })).content,
  );
});
