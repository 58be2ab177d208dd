import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { TranscriptEntryInput, UsageRecordInput } from "@stratavore/contracts";
import { applyEvent, emptySpool, linesKey, SpoolJournal, type SpoolEvent, type SpoolState } from "./spool-journal.ts";

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
const fresh = async () => {
  const d = await mkdtemp(join(tmpdir(), "stratavore-journal-"));
  dirs.push(d);
  return d;
};

const record = (id: string) => ({ messageId: id }) as unknown as UsageRecordInput;
const entry = (uuid: string) => ({ uuid }) as unknown as TranscriptEntryInput;
const tail = (n: number) => ({ files: { "": n } });

/** The state, as plain sorted data, for comparison. */
function plain(s: SpoolState) {
  const sorted = <T>(m: Map<string, T>) => Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));
  return { usage: sorted(s.usage), lines: sorted(s.lines), tailers: sorted(s.tailers) };
}

/**
 * An independent model of what the spool must remember, kept the simplest way: per runner the
 * ids read and how many were acknowledged; the expected queue is what was read minus that prefix.
 */
interface Model {
  usage: Record<string, { read: string[]; shipped: number }>;
  lines: Record<string, { read: string[]; shipped: number }>;
  tailers: Record<string, number>;
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant("read" as const),
    r: fc.integer({ min: 0, max: 2 }),
    s: fc.integer({ min: 0, max: 1 }),
    nr: fc.nat(3),
    ne: fc.nat(3),
  }),
  fc.record({
    kind: fc.constant("ship" as const),
    r: fc.integer({ min: 0, max: 2 }),
    s: fc.integer({ min: 0, max: 1 }),
    lines: fc.boolean(),
    n: fc.nat(4),
  }),
  fc.record({ kind: fc.constant("untrack" as const), r: fc.integer({ min: 0, max: 2 }) }),
  fc.record({ kind: fc.constant("persist" as const) }),
);

describe("SpoolJournal", () => {
  it("a last read of a session the runner left keeps its usage and lines but not its offsets: the runner's tailer stays on its new session", () => {
    const state = emptySpool();
    applyEvent(state, { t: "read", r: "r1", cwd: "/w", s: "new", state: tail(10) });
    applyEvent(state, {
      t: "read",
      r: "r1",
      cwd: "/w",
      s: "old",
      state: tail(99),
      records: [record("m1")],
      entries: [entry("u1")],
      old: true,
    });
    expect(state.tailers.get("r1")).toEqual({ cwd: "/w", sessionId: "new", state: tail(10) });
    expect(state.usage.get("r1")).toEqual([record("m1")]);
    expect(state.lines.get(linesKey("r1", "old"))?.entries).toEqual([entry("u1")]);
  });

  it("reloads exactly what an independent model of reads and acknowledgements expects, whatever the interleaving of appends and compactions", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 40 }), async (ops) => {
        const dir = await fresh();
        // A small allowance, so compactions happen between appends.
        const journal = new SpoolJournal(dir, undefined, 300);
        const state = emptySpool();
        const model: Model = { usage: {}, lines: {}, tailers: {} };
        let pending: SpoolEvent[] = [];
        let id = 0;
        await journal.write([], () => state);
        for (const o of ops) {
          if (o.kind === "persist") {
            await journal.write(pending, () => state);
            pending = [];
            continue;
          }
          const r = `runner-${o.r}`;
          let e: SpoolEvent;
          if (o.kind === "read") {
            const s = `session-${o.s}`;
            const records = Array.from({ length: o.nr }, () => record(`m${id++}`));
            const entries = Array.from({ length: o.ne }, () => entry(`u${id++}`));
            e = { t: "read", r, cwd: "/w", s, state: tail(id), records, entries };
            ((model.usage[r] ??= { read: [], shipped: 0 }).read as string[]).push(...records.map((x) => x.messageId));
            (model.lines[linesKey(r, s)] ??= { read: [], shipped: 0 }).read.push(...entries.map((x) => x.uuid));
            model.tailers[r] = id;
          } else if (o.kind === "ship") {
            const key = o.lines ? linesKey(r, `session-${o.s}`) : r;
            const q = (o.lines ? model.lines : model.usage)[key];
            const n = Math.min(o.n, q ? q.read.length - q.shipped : 0);
            if (q) q.shipped += n;
            e = o.lines ? { t: "shipped", k: "lines", r, s: `session-${o.s}`, n } : { t: "shipped", k: "usage", r, n };
          } else {
            e = { t: "untrack", r };
            delete model.tailers[r];
          }
          applyEvent(state, e);
          pending.push(e);
        }
        await journal.write(pending, () => state);

        const reloaded = await new SpoolJournal(dir).load();
        const left = (q: { read: string[]; shipped: number }) => q.read.slice(q.shipped);
        const expected = {
          usage: Object.entries(model.usage).filter(([, q]) => left(q).length),
          lines: Object.entries(model.lines).filter(([, q]) => left(q).length),
        };
        expect([...reloaded.usage].map(([r, q]) => [r, q.map((x) => x.messageId)]).sort()).toEqual(
          expected.usage.map(([r, q]) => [r, left(q)]).sort(),
        );
        expect([...reloaded.lines].map(([k, q]) => [k, q.entries.map((x) => x.uuid)]).sort()).toEqual(
          expected.lines.map(([k, q]) => [k, left(q)]).sort(),
        );
        expect(Object.fromEntries([...reloaded.tailers].map(([r, t]) => [r, t.state.files[""]]))).toEqual(
          model.tailers,
        );
        expect(plain(reloaded)).toEqual(plain(state));
      }),
      { numRuns: 60, seed: 20261130 },
    );
  });

  it("appends what changed instead of rewriting the spool, and compacts once it has grown", async () => {
    const dir = await fresh();
    const path = join(dir, "spool.jsonl");
    const journal = new SpoolJournal(dir);
    const state = emptySpool();
    await journal.write([], () => state);
    const inode = (await stat(path)).ino;
    const big = "x".repeat(100_000);
    const e: SpoolEvent = { t: "read", r: "r", cwd: "/w", s: "s", state: tail(1), entries: [entry(big)] };
    applyEvent(state, e);
    await journal.write([e], () => state);
    const after = await stat(path);
    expect(after.ino).toBe(inode);
    expect(after.size).toBe(Buffer.byteLength(`${JSON.stringify(e)}\n`));
    // An acknowledgement adds a line of its own size, not another copy of the 100 kB queued.
    const ack: SpoolEvent = { t: "shipped", k: "lines", r: "r", s: "s", n: 1 };
    applyEvent(state, ack);
    await journal.write([ack], () => state);
    expect((await stat(path)).size - after.size).toBe(Buffer.byteLength(`${JSON.stringify(ack)}\n`));
    // Past 1 MB over four times its compacted size it is rewritten from the state (here empty).
    const sizes: number[] = [];
    for (let i = 0; i < 12; i++) {
      const more: SpoolEvent = { t: "read", r: "r", cwd: "/w", s: "s", state: tail(i), entries: [entry(big)] };
      const done: SpoolEvent = { t: "shipped", k: "lines", r: "r", s: "s", n: 1 };
      applyEvent(state, more);
      applyEvent(state, done);
      await journal.write([more, done], () => state);
      sizes.push((await stat(path)).size);
    }
    const compactedAt = sizes.findIndex((n) => n < 1000);
    expect(sizes[compactedAt - 1]).toBeGreaterThan(1_048_576);
    expect(sizes.slice(0, compactedAt).every((n, i) => i === 0 || n > sizes[i - 1]!)).toBe(true);
    expect(plain(await new SpoolJournal(dir).load())).toEqual(plain(state));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it("skips a torn last line (reporting it), and compacts after a failed write", async () => {
    const dir = await fresh();
    const path = join(dir, "spool.jsonl");
    const state = emptySpool();
    const journal = new SpoolJournal(dir);
    await journal.write([], () => state);
    const e: SpoolEvent = { t: "read", r: "r", cwd: "/w", s: "s", state: tail(5), records: [record("m1")] };
    applyEvent(state, e);
    await journal.write([e], () => state);
    await appendFile(path, '{"t":"read","r":"r","cwd":"/w","s":"s","state":{"fi');
    const skipped: number[] = [];
    expect(plain(await new SpoolJournal(dir, (n) => skipped.push(n)).load())).toEqual(plain(state));
    expect(skipped).toEqual([1]);

    // A write that fails (here: the path is a directory) throws; the next one rewrites it whole.
    const broken = new SpoolJournal(dir);
    await broken.load();
    await broken.write([], () => state);
    await rm(path);
    await mkdir(path);
    const ack: SpoolEvent = { t: "shipped", k: "usage", r: "r", n: 1 };
    applyEvent(state, ack);
    await expect(broken.write([ack], () => state)).rejects.toThrow();
    await rm(path, { recursive: true });
    await writeFile(path, "garbage that a compaction replaces\n");
    await broken.write([], () => state);
    expect(plain(await new SpoolJournal(dir).load())).toEqual(plain(state));
    expect(await readFile(path, "utf8")).not.toContain("garbage");
  });

  it("reads the whole-file spool of earlier versions once and replaces it", async () => {
    const dir = await fresh();
    await writeFile(
      join(dir, "usage-spool.json"),
      JSON.stringify({
        pending: { a: [record("m1")], b: [] },
        entries: { a: { sessionId: "s1", entries: [entry("u1")] } },
        tailers: { a: { cwd: "/w", sessionId: "s1", state: tail(9) } },
      }),
    );
    const journal = new SpoolJournal(dir);
    const state = await journal.load();
    expect(plain(state)).toEqual({
      usage: { a: [record("m1")] },
      lines: { [linesKey("a", "s1")]: { runnerId: "a", sessionId: "s1", entries: [entry("u1")] } },
      tailers: { a: { cwd: "/w", sessionId: "s1", state: tail(9) } },
    });
    await journal.write([], () => state);
    await expect(stat(join(dir, "usage-spool.json"))).rejects.toThrow();
    expect(plain(await new SpoolJournal(dir).load())).toEqual(plain(state));
  });
});
