import { describe, expect, it } from "vitest";
import { quietDatabaseOutages, type Log } from "./logger.ts";

describe("quietDatabaseOutages", () => {
  it("logs the first error of a database outage, counts the rest for the window, then says how many; other lines pass", async () => {
    const lines: string[] = [];
    const sink: Log = (level, msg, meta) => lines.push(`${level} ${msg} ${JSON.stringify(meta ?? {})}`);
    const log = quietDatabaseOutages(sink, 100);
    const away = { error: "PrismaClientKnownRequestError: Can't reach database server at 127.0.0.1:5432" };
    for (let i = 0; i < 5; i++) log("error", "usage batch failed", away);
    log("error", "reconcile: listing lost runners failed", { error: "Database error. Code: `57P03`" });
    log("error", "something else failed", { error: "TypeError: x is undefined" });
    log("warn", "usage batch failed", away);
    expect(lines).toEqual([
      `error usage batch failed ${JSON.stringify(away)}`,
      'error something else failed {"error":"TypeError: x is undefined"}',
      `warn usage batch failed ${JSON.stringify(away)}`,
    ]);
    await new Promise((r) => setTimeout(r, 150));
    expect(lines.at(-1)).toBe('error more errors while the database was unavailable {"count":5,"seconds":0.1}');
    // A later outage starts again with its first error.
    log("error", "usage batch failed", away);
    expect(lines.at(-1)).toBe(`error usage batch failed ${JSON.stringify(away)}`);
  });
});
