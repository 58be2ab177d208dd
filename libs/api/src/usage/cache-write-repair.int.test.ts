import { expect, inject, it } from "vitest";
import { createScratchDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { assistantLine } from "../testing/assistant-line.ts";
import { upgradeLedger } from "./ledger-service.ts";

/** An assistant line as claude 2.1.328 writes it; a split of zeros when the API sent none. */
const line = (id: string, total: number, split: [number, number], output = 40) =>
  assistantLine({ id, sessionId: "s-repair", timestamp: "2026-03-01T12:00:00.000Z", total, split, output });

it("at the first start, rows counted with no cache writes from a zero split get their line's writes and a new price; once", async () => {
  const h = createHarness(await createScratchDatabase(inject("adminUrl"), "cacherepair"));
  try {
    await h.db.session.create({ data: { id: "s-repair" } });
    // [archived lines, the row's 5m and 1h writes as the old parser stored them]
    const cases: Record<string, { lines: string[]; stored: [number, number] }> = {
      msg_zeros: { lines: [line("msg_zeros", 2003, [0, 0])], stored: [0, 0] },
      // Streaming snapshots of one response: the line with the larger total counts.
      msg_snap: { lines: [line("msg_snap", 0, [0, 0], 1), line("msg_snap", 900, [0, 0])], stored: [0, 0] },
      msg_right: { lines: [line("msg_right", 700, [600, 100])], stored: [600, 100] },
      msg_none: { lines: [line("msg_none", 0, [0, 0])], stored: [0, 0] },
    };
    let uuid = 0;
    for (const [id, c] of Object.entries(cases)) {
      for (const rawLine of c.lines)
        await h.db.transcriptEntry.create({
          data: { sessionId: "s-repair", uuid: `u${uuid++}`, type: "assistant", rawLine },
        });
      const [w5m, w1h] = c.stored;
      await h.db.usageRecord.create({
        data: {
          usageKey: id,
          messageId: id,
          sessionId: "s-repair",
          model: "claude-sonnet-4-5",
          occurredAt: new Date("2026-03-01T12:00:00Z"),
          inputTokens: 10,
          outputTokens: 40,
          cacheWrite5mTokens: w5m,
          cacheWrite1hTokens: w1h,
          cacheReadTokens: 5,
          totalTokens: 55 + w5m + w1h,
          // Priced as the old row was (sonnet 4.5: $3 in, $15 out, $3.75 5m, $6 1h, $0.30 read per M).
          costUsd: (10 * 3 + 40 * 15 + w5m * 3.75 + w1h * 6 + 5 * 0.3) / 1e6,
        },
      });
    }
    await upgradeLedger(h.deps);
    const rows = await h.db.usageRecord.findMany({ orderBy: { usageKey: "asc" } });
    const got = Object.fromEntries(
      rows.map((r) => [
        r.usageKey,
        [Number(r.cacheWrite5mTokens), Number(r.cacheWrite1hTokens), Number(r.totalTokens), Number(r.costUsd)],
      ]),
    );
    // Expected by hand from the list prices above.
    const usd = (w5m: number, w1h: number) =>
      Number(((10 * 3 + 40 * 15 + w5m * 3.75 + w1h * 6 + 5 * 0.3) / 1e6).toFixed(8));
    expect(got).toEqual({
      msg_none: [0, 0, 55, usd(0, 0)],
      msg_right: [600, 100, 755, usd(600, 100)],
      msg_snap: [900, 0, 955, usd(900, 0)],
      msg_zeros: [2003, 0, 2058, usd(2003, 0)],
    });
    expect(await h.db.event.count({ where: { type: "usage.cache_writes_repaired" } })).toBe(1);

    // Once: a row set back to zero writes stays so at the next start.
    await h.db.usageRecord.update({
      where: { usageKey: "msg_zeros" },
      data: { cacheWrite5mTokens: 0, totalTokens: 55 },
    });
    await upgradeLedger(h.deps);
    expect(
      Number((await h.db.usageRecord.findUniqueOrThrow({ where: { usageKey: "msg_zeros" } })).cacheWrite5mTokens),
    ).toBe(0);
    expect(await h.db.event.count({ where: { type: "usage.cache_writes_repaired" } })).toBe(1);
  } finally {
    await h.close();
  }
});
