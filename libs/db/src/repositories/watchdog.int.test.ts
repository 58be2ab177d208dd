import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { apiErrorsSince, transcriptGrewSince } from "./watchdog.ts";

/**
 * Lines the real claude 2.1.328 wrote (fixtures/claude-2.1.328-api-errors.jsonl): `claude -p`
 * against a stand-in answering 429 (a `system`/`api_error` line per retry) and against one
 * answering 400 (the `assistant` give-up line with `isApiErrorMessage`), with their user lines.
 */
const LINES = readFileSync(join(import.meta.dirname, "fixtures/claude-2.1.328-api-errors.jsonl"), "utf8")
  .split("\n")
  .filter(Boolean);

describe("the watchdog's transcript reads", () => {
  it("counts exactly the API-error lines claude wrote, newest last, within the window", async () => {
    const db = createDb({ connectionString: await createScratchDatabase(inject("adminUrl"), "watchdog"), poolMax: 2 });
    try {
      await db.session.create({ data: { id: "s-errors", cwd: "/tmp/apierr/work" } });
      const parsed = LINES.map(
        (raw) =>
          [
            raw,
            JSON.parse(raw) as {
              type: string;
              subtype?: string;
              isApiErrorMessage?: boolean;
              uuid: string;
              timestamp: string;
            },
          ] as const,
      );
      await db.transcriptEntry.createMany({
        data: parsed.map(([raw, l]) => ({
          sessionId: "s-errors",
          uuid: l.uuid,
          type: l.type,
          rawLine: raw,
          timestamp: new Date(l.timestamp),
        })),
      });
      // Independently: by each line's own fields.
      const errors = parsed.filter(
        ([, l]) => (l.type === "system" && l.subtype === "api_error") || l.isApiErrorMessage === true,
      );
      expect(errors.length).toBeGreaterThanOrEqual(4);
      expect(errors.length).toBeLessThan(parsed.length);
      const first = Math.min(...parsed.map(([, l]) => Date.parse(l.timestamp)));
      const newest = errors.reduce((a, b) => (Date.parse(b[1].timestamp) > Date.parse(a[1].timestamp) ? b : a));
      const all = await apiErrorsSince(db, "s-errors", new Date(first));
      expect(all.count).toBe(errors.length);
      expect(all.lastLine).toBe(newest[0]);
      // A window starting after every line sees none; growth is judged the same way.
      const after = new Date(Math.max(...parsed.map(([, l]) => Date.parse(l.timestamp))) + 1);
      expect((await apiErrorsSince(db, "s-errors", after)).count).toBe(0);
      expect(await transcriptGrewSince(db, "s-errors", after)).toBe(false);
      expect(await transcriptGrewSince(db, "s-errors", new Date(first))).toBe(true);
    } finally {
      await db.$disconnect();
    }
  });
});
