import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "./client.ts";
import { createScratchDatabase } from "./testing/test-postgres.ts";

describe("the database client's time zone", () => {
  it("is UTC whatever zone the database was set up with, so now() in SQL and Prisma's dates agree", async () => {
    const url = await createScratchDatabase(inject("adminUrl"), "tz");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const dbName = new URL(url).pathname.slice(1);
    try {
      await admin.query(`ALTER DATABASE "${dbName}" SET timezone = 'Asia/Tokyo'`);
    } finally {
      await admin.end();
    }
    // What a plain connection to that database sees: Tokyo, 9 hours ahead.
    const plain = new pg.Client({ connectionString: url });
    await plain.connect();
    const zone = (await plain.query<{ zone: string }>("SELECT current_setting('TimeZone') AS zone")).rows[0]?.zone;
    await plain.end();
    expect(zone).toBe("Asia/Tokyo");

    const db = createDb({ connectionString: url, poolMax: 1 });
    try {
      const [row] = await db.$queryRaw<Array<{ zone: string; at: Date }>>`
        SELECT current_setting('TimeZone') AS zone, now()::timestamp AS at`;
      expect(row?.zone).toBe("UTC");
      expect(Math.abs(row!.at.getTime() - Date.now())).toBeLessThan(60_000);
    } finally {
      await db.$disconnect();
    }
  });
});
