import { readFile } from "node:fs/promises";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { aggregateUsage } from "./usage.ts";
import { rollupHours, rollupTotals } from "./usage-rollup.ts";

const HOUR = 3_600_000;
const base = Date.UTC(2026, 10, 1, 0, 0, 0);

/** 400 responses over 3 days at odd minutes, 3 models, 2 projects and none; some priced, some estimated, some not. */
function ledgerRows(projects: string[]) {
  return Array.from({ length: 400 }, (_, i) => {
    const priced = i % 5 !== 0;
    return {
      usageKey: `m${i}`,
      messageId: `m${i}`,
      projectId: [...projects, null][i % 3] ?? null,
      model: ["claude-opus-4-5", "claude-sonnet-4-5", "claude-haiku-4-5"][i % 3]!,
      inputTokens: BigInt(1 + (i % 7)),
      outputTokens: BigInt(10 * (i % 11)),
      cacheReadTokens: BigInt(100 + i),
      totalTokens: BigInt(1 + (i % 7) + 10 * (i % 11) + 100 + i),
      costUsd: priced ? (i % 13) / 100 : null,
      unpriced: !priced,
      costEstimated: priced && i % 4 === 0,
      // Web searches on some responses: counted apart from the tokens.
      webSearchRequests: i % 9 === 0 ? 1 + (i % 4) : 0,
      occurredAt: new Date(base + i * 11 * 60_000 + (i % 60) * 1000),
    };
  });
}

/** The same figures counted the simplest way, from the rows as inserted (after the edits below). */
function expected(rows: ReturnType<typeof ledgerRows>, since?: Date, until?: Date) {
  const inRange = rows.filter((r) => (!since || r.occurredAt >= since) && (!until || r.occurredAt < until));
  const tokens = inRange.reduce((a, r) => a + Number(r.totalTokens), 0);
  const cost = inRange.reduce((a, r) => a + (r.costUsd ?? 0), 0);
  const unpriced = inRange.filter((r) => r.unpriced).reduce((a, r) => a + Number(r.totalTokens), 0);
  const searches = inRange.reduce((a, r) => a + r.webSearchRequests, 0);
  return { tokens, cost, unpriced, requests: inRange.length, searches };
}

describe("the ledger's hourly rollup", () => {
  it("is kept by inserts, larger totals, reprices and deletes, and reports from it equal a scan of the ledger", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "rollup"), poolMax: 4 });
    try {
      const projects = await Promise.all(
        ["a", "b"].map((n) => db.project.create({ data: { name: `rollup-${n}`, path: "/tmp" }, select: { id: true } })),
      );
      const rows = ledgerRows(projects.map((p) => p.id));
      await db.usageRecord.createMany({ data: rows.slice(0, 300) });
      await db.usageRecord.createMany({ data: rows.slice(300) });
      // A larger total for one response (the ledger keeps the larger), a reprice, a delete.
      rows[5]!.totalTokens += 1000n;
      rows[5]!.webSearchRequests = 2;
      await db.usageRecord.update({
        where: { usageKey: "m5" },
        data: { totalTokens: rows[5]!.totalTokens, webSearchRequests: 2 },
      });
      for (const r of rows.filter((x) => x.model === "claude-haiku-4-5" && x.costUsd !== null)) r.costUsd! += 0.5;
      await db.$executeRaw`UPDATE "UsageRecord" SET "costUsd" = "costUsd" + 0.5 WHERE model = 'claude-haiku-4-5' AND "costUsd" IS NOT NULL`;
      await db.usageRecord.delete({ where: { usageKey: "m7" } });
      rows.splice(7, 1);

      const all = expected(rows);
      expect(await rollupTotals(db)).toEqual({ tokens: all.tokens, requests: all.requests });

      const ranges: [Date | undefined, Date | undefined][] = [
        [undefined, undefined],
        [new Date(base + 5 * HOUR + 17 * 60_000), undefined],
        [undefined, new Date(base + 40 * HOUR + 3 * 60_000)],
        [new Date(base + 2 * HOUR + 59 * 60_000), new Date(base + 50 * HOUR + 1000)],
        [new Date(base + 10 * HOUR), new Date(base + 20 * HOUR)],
      ];
      for (const [since, until] of ranges) {
        for (const timeZone of ["UTC", "Europe/Berlin", "America/New_York"]) {
          expect(rollupHours({ since, until, timeZone })).not.toBeNull();
          const want = expected(rows, since, until);
          for (const by of ["all", "day", "model", "project"] as const) {
            const got = await aggregateUsage(db, { by, since, until, timeZone, limit: 1000 });
            expect(
              got.reduce((a, r) => a + r.totalTokens, 0),
              `${by} ${timeZone} ${since?.toISOString()}`,
            ).toBe(want.tokens);
            expect(got.reduce((a, r) => a + r.requests, 0)).toBe(want.requests);
            expect(got.reduce((a, r) => a + r.unpricedTokens, 0)).toBe(want.unpriced);
            expect(got.reduce((a, r) => a + r.webSearchRequests, 0)).toBe(want.searches);
            expect(got.reduce((a, r) => a + r.costUsd, 0)).toBeCloseTo(want.cost, 6);
          }
          // Per day in the zone: the same as the ledger scanned row by row (by runner forces the scan).
          const days = await aggregateUsage(db, { by: "day", since, until, timeZone, limit: 1000 });
          const dayOf = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(d);
          const byDay = new Map<string, number>();
          for (const r of rows)
            if ((!since || r.occurredAt >= since) && (!until || r.occurredAt < until))
              byDay.set(dayOf(r.occurredAt), (byDay.get(dayOf(r.occurredAt)) ?? 0) + Number(r.totalTokens));
          expect(Object.fromEntries(days.map((d) => [d.group, d.totalTokens]))).toEqual(Object.fromEntries(byDay));
        }
      }
      // A zone whose days do not start on a UTC hour is answered from the ledger, and agrees.
      expect(rollupHours({ timeZone: "Asia/Kolkata" })).toBeNull();
      const kolkata = await aggregateUsage(db, { by: "all", timeZone: "Asia/Kolkata", limit: 1 });
      expect(kolkata[0]?.totalTokens).toBe(all.tokens);
    } finally {
      await db.$disconnect();
    }
  });

  it("the web-search migration fills the searches of hours the rollup kept before it", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "searches"), poolMax: 2 });
    try {
      const rows = ledgerRows([]);
      await db.usageRecord.createMany({ data: rows });
      // As an install kept its hours before the column existed: no searches in the rollup.
      await db.$executeRaw`UPDATE "UsageHourly" SET "webSearchRequests" = 0`;
      const migration = await readFile(
        new URL(
          "../../../../prisma/migrations/20261204035833_usage_hourly_web_searches/migration.sql",
          import.meta.url,
        ),
        "utf8",
      );
      await db.$executeRawUnsafe(migration.slice(migration.indexOf("-- stratavore:custom")));
      const perHour = new Map<string, number>();
      for (const r of rows) {
        const hour = new Date(Math.floor(r.occurredAt.getTime() / HOUR) * HOUR).toISOString();
        const key = `${hour}|${r.model}`;
        perHour.set(key, (perHour.get(key) ?? 0) + r.webSearchRequests);
      }
      const kept = await db.usageHourly.findMany({ select: { hour: true, model: true, webSearchRequests: true } });
      expect(
        Object.fromEntries(kept.map((h) => [`${h.hour.toISOString()}|${h.model}`, Number(h.webSearchRequests)])),
      ).toEqual(Object.fromEntries(perHour));
      expect([...perHour.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    } finally {
      await db.$disconnect();
    }
  });
});
