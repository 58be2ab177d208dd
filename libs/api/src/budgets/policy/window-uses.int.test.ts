import { describe, expect, inject, it } from "vitest";
import { createDb } from "@stratavore/db";
import { createScratchDatabase } from "@stratavore/db/testing";
import { currentWindow, windowUses } from "./window-blocks.ts";

const H = 3_600_000;
const day1 = Date.parse("2026-11-20T00:10:00Z");

describe("the current 5-hour window, from the ledger", () => {
  it("chains from the last pause of five hours or more, so a day and more of steady use does not drift", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "windows"), poolMax: 2 });
    try {
      // A first burst, a pause of 8 h, then one use an hour for 30 hours (day 1 00:10 … day 2 05:10).
      const times = [day1 - 20 * H, day1 - 19 * H, ...Array.from({ length: 30 }, (_, i) => day1 + i * H)];
      await db.usageRecord.createMany({
        data: times.map((t, i) => ({
          usageKey: `w-${i}`,
          messageId: `w-${i}`,
          model: "claude-sonnet-4-5",
          occurredAt: new Date(t),
        })),
      });
      const now = new Date(day1 + 29 * H + 20 * 60_000); // day 2 05:30
      // By hand: blocks 00–05, 05–10, 10–15, 15–20, 20–01 on day 1; the 01:10 use opens 01:00–06:00.
      expect(currentWindow(await windowUses(db, {}, now), now)).toEqual({
        start: new Date("2026-11-21T01:00:00Z"),
        end: new Date("2026-11-21T06:00:00Z"),
        active: true,
      });
      // After the first burst and its pause, nothing runs until the steady use begins at day 1 00:10.
      const before = new Date(day1 - 5 * H);
      expect(currentWindow(await windowUses(db, {}, before), before)).toMatchObject({ active: false });
    } finally {
      await db.$disconnect();
    }
  });
});
