import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { appendEvent, appendEvents, signEvent, verifyEventChain, type AuditInput } from "./events.ts";

const KEY = "chain-test-key";
const event = (i: number): AuditInput => ({
  type: "project.updated",
  entityType: "thing",
  entityId: `t-${i}`,
  actorType: "system",
  data: { i },
});

/**
 * The append assumes the head it appended last and checks it in its INSERT: whatever made that
 * assumption wrong (a rolled-back append, another process writing, many at once) must still
 * leave one whole chain with every committed event in it, and nothing else.
 */
describe("appending to the audit chain", () => {
  it("stays whole across rollbacks, another writer, 40 concurrent appends and concurrent runs of 50", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "chain"), poolMax: 8 });
    try {
      for (let i = 0; i < 3; i++) await db.$transaction((tx) => appendEvent(tx, KEY, event(i)));
      // Appended, then rolled back: the head this process remembers never committed.
      await expect(
        db.$transaction(async (tx) => {
          await appendEvent(tx, KEY, event(99));
          throw new Error("rolled back");
        }),
      ).rejects.toThrow("rolled back");
      await db.$transaction((tx) => appendEvent(tx, KEY, event(3)));

      // Another process appends (signed on the real head, as its appendEvent would).
      const head = await db.event.findFirst({ orderBy: { seq: "desc" }, select: { signature: true } });
      const at = new Date();
      await db.event.create({
        data: {
          ...event(4),
          data: { i: 4 },
          prevHash: head!.signature,
          signature: signEvent(KEY, head!.signature, event(4), at),
          createdAt: at,
        },
      });
      await db.$transaction((tx) => appendEvent(tx, KEY, event(5)));

      await Promise.all(
        Array.from({ length: 40 }, (_, i) => db.$transaction((tx) => appendEvent(tx, KEY, event(100 + i)))),
      );

      // Runs of events in one transaction each, several at once: seq order is chain order.
      const runs = await Promise.all(
        [0, 1, 2].map((r) =>
          db.$transaction((tx) =>
            appendEvents(
              tx,
              KEY,
              Array.from({ length: 50 }, (_, i) => event(1000 * (r + 1) + i)),
            ),
          ),
        ),
      );
      for (const run of runs) {
        expect(run.map((e) => e.entityId)).toEqual(run.map((_, i) => `t-${Number(run[0]!.entityId!.slice(2)) + i}`));
        expect(run.map((e) => e.seq)).toEqual(run.map((_, i) => run[0]!.seq + i));
      }

      const verified = await verifyEventChain(db, KEY);
      expect(verified).toEqual({ firstBrokenSeq: null, checked: 46 + 150 });
      const ids = (await db.event.findMany({ select: { entityId: true } })).map((e) => e.entityId);
      expect(ids).not.toContain("t-99");
      // Every event this process appended has its outbox row; the other writer's has none here.
      expect(await db.outboxItem.count()).toBe(45 + 150);
    } finally {
      await db.$disconnect();
    }
  });
});
