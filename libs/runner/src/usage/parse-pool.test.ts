import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ParsePool } from "./parse-pool.ts";
import { parseSessionFiles, scanHistory, type HistorySession } from "./scan-history.ts";

const FIXTURES = join(import.meta.dirname, "fixtures/projects");
const WORKER = join(import.meta.dirname, "parse-worker.mjs");
const made: string[] = [];
afterAll(() => Promise.all(made.map((d) => rm(d, { recursive: true, force: true }))));

describe("ParsePool", () => {
  it("parses in worker threads exactly what parseSessionFiles parses in this one, from any offset", async () => {
    const sessions: HistorySession[] = [];
    for await (const s of scanHistory(FIXTURES)) sessions.push(s);
    expect(sessions.length).toBeGreaterThan(2);
    const pool = new ParsePool(WORKER, 2);
    try {
      const pooled = await Promise.all(sessions.map((s) => pool.parse(s.files, s.sessionId)));
      const here = await Promise.all(sessions.map((s) => parseSessionFiles(s.files, s.sessionId)));
      expect(pooled).toEqual(here);
      expect(pooled.reduce((n, p) => n + p.records.length, 0)).toBeGreaterThan(0);
      // From the middle of a file: the offsets travel to the worker.
      const s = sessions.find((x) => x.files.length === 1)!;
      const half = Math.floor((here[sessions.indexOf(s)]!.tailState.files[s.files[0]!] ?? 0) / 2);
      expect(await pool.parse(s.files, s.sessionId, [half])).toEqual(
        await parseSessionFiles(s.files, s.sessionId, [half]),
      );
    } finally {
      await pool.close();
    }
  }, 60_000);

  it("a worker that cannot start fails every parse with the reason, at once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stratavore-parse-pool-"));
    made.push(dir);
    const broken = join(dir, "broken.mjs");
    await writeFile(broken, `throw new Error("no parser here");`);
    const pool = new ParsePool(broken, 1);
    try {
      const asked = [pool.parse([], "a"), pool.parse([], "b")];
      for (const p of asked) await expect(p).rejects.toThrow(/a parse worker failed: no parser here/);
      await expect(pool.parse([], "c")).rejects.toThrow(/no parser here/);
    } finally {
      await pool.close();
    }
  });
});
