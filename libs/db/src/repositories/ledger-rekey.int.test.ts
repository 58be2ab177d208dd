import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { rekeyLedgerByMessageId } from "./ledger-rekey.ts";

/** A ledger written with the old `message.id:requestId` keys, as an older version left it. */
const OLD_ROWS = [
  // msg_a: the main thread's line, then a sidechain replay under a new request id (same total).
  { usageKey: "msg_a:req_1", messageId: "msg_a", requestId: "req_1", isSidechain: false, input: 100, output: 50 },
  { usageKey: "msg_a:req_9", messageId: "msg_a", requestId: "req_9", isSidechain: true, input: 100, output: 50 },
  // msg_b: three rows, the second has the largest total and must be the one kept, whole.
  { usageKey: "msg_b:req_2", messageId: "msg_b", requestId: "req_2", isSidechain: false, input: 10, output: 5 },
  { usageKey: "msg_b:req_3", messageId: "msg_b", requestId: "req_3", isSidechain: true, input: 10, output: 900 },
  { usageKey: "msg_b:req_4", messageId: "msg_b", requestId: "req_4", isSidechain: true, input: 700, output: 1 },
  // msg_c: one row under an old key; msg_d: already keyed by its message id.
  { usageKey: "msg_c:req_5", messageId: "msg_c", requestId: "req_5", isSidechain: false, input: 1, output: 1 },
  { usageKey: "msg_d", messageId: "msg_d", requestId: null, isSidechain: false, input: 2, output: 2 },
];

describe("re-keying the ledger by message id", () => {
  it("collapses replays to the row with the larger total, re-keys the rest, loses no response, and is idempotent", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "rekey"), poolMax: 2 });
    try {
      await db.usageRecord.createMany({
        data: OLD_ROWS.map((r) => ({
          usageKey: r.usageKey,
          messageId: r.messageId,
          requestId: r.requestId,
          isSidechain: r.isSidechain,
          model: "claude-sonnet-4-5",
          inputTokens: r.input,
          outputTokens: r.output,
          totalTokens: r.input + r.output,
          occurredAt: new Date("2026-01-01T00:00:00Z"),
        })),
      });
      // Expected by hand: 7 rows, 4 responses; msg_a loses its replay, msg_b two rows; msg_a, msg_b, msg_c are re-keyed.
      const result = await db.$transaction((tx) => rekeyLedgerByMessageId(tx));
      expect(result).toEqual({ collapsed: 3, rekeyed: 3 });
      const rows = await db.usageRecord.findMany({
        orderBy: { usageKey: "asc" },
        select: { usageKey: true, requestId: true, isSidechain: true, inputTokens: true, outputTokens: true },
      });
      expect(
        rows.map((r) => [r.usageKey, r.requestId, r.isSidechain, Number(r.inputTokens), Number(r.outputTokens)]),
      ).toEqual([
        ["msg_a", "req_1", false, 100, 50], // tie: the main thread's row stays
        ["msg_b", "req_3", true, 10, 900], // 910 > 701 > 15, kept whole (not 700 input + 900 output)
        ["msg_c", "req_5", false, 1, 1],
        ["msg_d", null, false, 2, 2],
      ]);
      expect(await db.$transaction((tx) => rekeyLedgerByMessageId(tx))).toEqual({ collapsed: 0, rekeyed: 0 });
    } finally {
      await db.$disconnect();
    }
  });
});
