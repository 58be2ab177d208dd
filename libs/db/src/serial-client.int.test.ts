import pg from "pg";
import { expect, inject, it } from "vitest";
import { createDb } from "./client.ts";
import { SerialClient } from "./serial-client.ts";
import { workerDatabase } from "./testing/worker-database.ts";

/**
 * pg warns once per process when a query is queued behind another on one connection (and will
 * refuse it from pg@9). A Prisma transaction's parallel reads must not do that; the same reads
 * on a plain pg client must, or this test could not see the warning at all.
 */
it("a transaction's parallel queries (a nested include's children, raw queries in Promise.all) run one after another in order, without pg's queueing warning; a plain client warns", async () => {
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  // Node prints warnings through a listener of its own: held back here, this test's expected one
  // would read in the run's output like the defect it proves gone.
  const printers = process.listeners("warning");
  process.removeAllListeners("warning");
  process.on("warning", onWarning);
  const db = createDb({ connectionString: workerDatabase(inject("databaseUrls")), poolMax: 2 });
  try {
    const values = await db.$transaction(async (tx) =>
      Promise.all(
        [1, 2, 3, 4, 5].map(async (n) => {
          const rows = await tx.$queryRawUnsafe<{ n: number }[]>(`SELECT $1::int AS n FROM pg_sleep(0.01)`, n);
          return rows[0]!.n;
        }),
      ),
    );
    expect(values).toEqual([1, 2, 3, 4, 5]);
    // What Prisma itself sends at once: the children of a nested include, one query each.
    const found = await db.$transaction((tx) =>
      tx.project.findMany({ take: 3, include: { runners: true, sessions: true, usage: true, tasks: true } }),
    );
    expect(Array.isArray(found)).toBe(true);
    // A failed query does not stop the ones queued behind it.
    // Typed as the pg client it stands in for (its own signature only forwards).
    const serial: pg.Client = new SerialClient({ connectionString: workerDatabase(inject("databaseUrls")) });
    await serial.connect();
    try {
      const [failed, next] = await Promise.allSettled([serial.query("SELECT 1/0"), serial.query("SELECT 2 AS two")]);
      expect(failed.status).toBe("rejected");
      expect(next.status === "fulfilled" && next.value.rows).toEqual([{ two: 2 }]);
    } finally {
      await serial.end();
    }
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((m) => m.includes("already executing a query"))).toEqual([]);

    const plain = new pg.Client({ connectionString: workerDatabase(inject("databaseUrls")) });
    await plain.connect();
    try {
      await Promise.all([1, 2, 3].map((n) => plain.query("SELECT $1::int, pg_sleep(0.01)", [n])));
    } finally {
      await plain.end();
    }
    await new Promise((r) => setImmediate(r));
    expect(warnings.filter((m) => m.includes("already executing a query"))).toHaveLength(1);
  } finally {
    process.off("warning", onWarning);
    for (const p of printers) process.on("warning", p);
    await db.$disconnect();
  }
});
