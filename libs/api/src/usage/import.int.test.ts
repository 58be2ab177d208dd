import { fileURLToPath } from "node:url";
import { afterAll, expect, inject, it } from "vitest";
import { parseSessionFiles, scanHistory } from "@stratavore/runner";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(inject("databaseUrl"));
afterAll(() => h.close());
const corpus = fileURLToPath(new URL("../../../runner/src/usage/fixtures/projects", import.meta.url));

/** The hostile corpus, parsed as `stratavore import` does, sent as its import calls do. */
async function importCorpus(api: Awaited<ReturnType<typeof h.as>>["api"]) {
  let changed = 0;
  for await (const s of scanHistory(corpus)) {
    const p = await parseSessionFiles(s.files, s.sessionId);
    const res = await api.usage.import({
      sessions: [
        {
          sessionId: s.sessionId,
          cwd: s.cwd,
          title: p.title,
          firstAt: p.firstAt,
          lastAt: p.lastAt,
          messageCount: p.messageCount,
          records: p.records,
        },
      ],
    });
    changed += res.recordsChanged;
  }
  return changed;
}

it("importing the hostile corpus twice gives identical totals, and the second run changes nothing", async () => {
  const { api } = await h.as("operator");
  const first = await importCorpus(api);
  expect(first).toBeGreaterThan(0);
  const keys = await h.db.usageRecord.findMany({
    where: { projectId: { not: null }, runnerId: null },
    select: { usageKey: true, totalTokens: true, costUsd: true },
    orderBy: { usageKey: "asc" },
  });
  const totalsAfterFirst = await api.usage.query({ by: "model", limit: 1000 });
  expect(await importCorpus(api)).toBe(0);
  expect(await api.usage.query({ by: "model", limit: 1000 })).toEqual(totalsAfterFirst);
  const again = await h.db.usageRecord.findMany({
    where: { projectId: { not: null }, runnerId: null },
    select: { usageKey: true, totalTokens: true, costUsd: true },
    orderBy: { usageKey: "asc" },
  });
  expect(again).toEqual(keys);
  // The unknown model of the corpus is flagged unpriced, not counted as $0.
  const mystery = totalsAfterFirst.rows.find((r) => r.group.startsWith("claude-mystery"));
  expect(mystery?.unpricedTokens).toBeGreaterThan(0);
  expect(mystery?.costUsd).toBe(0);
});
