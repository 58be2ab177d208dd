import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import { transcriptEntryFixture } from "@stratavore/contracts/testing";
import { ensureSession, insertEntries } from "@stratavore/db";
import { createHarness } from "../testing/api-harness.ts";
import { ExportGate } from "./export-gate.ts";
import { exportSession } from "./sessions-service.ts";
import { workerDatabase } from "@stratavore/db/testing";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

/** A session whose archive holds `lines` lines of 100,000 characters: 100 kB each as text. */
async function sessionOf(lines: number): Promise<string> {
  const id = randomUUID();
  await ensureSession(h.db, { id, projectId: null, nodeId: null, cwd: "/tmp" });
  await insertEntries(
    h.db,
    id,
    Array.from({ length: lines }, (_, i) => {
      const text = `${i} ${"x".repeat(99_000)}`;
      return transcriptEntryFixture(text, { offset: i * 100_000 });
    }),
  );
  return id;
}

it("exports held at once are bounded: past the limit one is refused SERVER_BUSY until an answer is sent", async () => {
  const id = await sessionOf(10); // ~1 MB archived, held as 3 MB
  const deps = { ...h.deps, exportGate: new ExportGate(5_000_000) };
  const answered: (() => void)[] = [];
  const whenAnswered = (fn: () => void) => void answered.push(fn);
  const first = await exportSession(deps, id, "jsonl", whenAnswered);
  expect(first.content.split("\n").filter(Boolean)).toHaveLength(10);
  // A second while the first's answer is still being sent (a batch of them, the attacker's 20).
  await expect(exportSession(deps, id, "md", whenAnswered)).rejects.toMatchObject({ code: "SERVER_BUSY" });
  answered.forEach((sent) => sent());
  expect((await exportSession(deps, id, "json", whenAnswered)).content).toContain('"entries"');
});

it("one export always fits when none is held, however large; an in-process caller's is let go when it returns", async () => {
  const id = await sessionOf(10);
  const deps = { ...h.deps, exportGate: new ExportGate(1_000_000) };
  expect((await exportSession(deps, id, "jsonl")).content.length).toBeGreaterThan(990_000);
  expect((await exportSession(deps, id, "jsonl")).content.length).toBeGreaterThan(990_000);
});
