import { describe, expect, it } from "vitest";
import { OutputRing } from "./ring-buffer.ts";

describe("OutputRing", () => {
  it("numbers chunks and returns those after a seq", () => {
    const ring = new OutputRing(100);
    expect(ring.lastSeq).toBe(0);
    expect([ring.push("a"), ring.push("b"), ring.push("c")]).toEqual([1, 2, 3]);
    expect(ring.since(1)).toEqual([
      { seq: 2, data: "b" },
      { seq: 3, data: "c" },
    ]);
    expect(ring.since(3)).toEqual([]);
    expect(ring.snapshot()).toBe("abc");
  });

  it("stays within maxBytes (UTF-8) and returns the whole kept buffer for a seq that was evicted", () => {
    const ring = new OutputRing(10);
    for (let i = 0; i < 1000; i += 1) ring.push("éé"); // 4 bytes each
    expect(ring.size).toBeLessThanOrEqual(10);
    expect(ring.lastSeq).toBe(1000);
    expect(ring.snapshot()).toBe("éééé");
    const chunks = ring.since(5);
    expect(chunks.map((c) => c.seq)).toEqual([999, 1000]);
    expect(ring.firstSeq).toBe(999);
  });

  it("keeps the tail of a single chunk larger than the cap", () => {
    const ring = new OutputRing(8);
    const seq = ring.push("0123456789→←");
    expect(seq).toBe(1);
    expect(Buffer.byteLength(ring.snapshot())).toBeLessThanOrEqual(8);
    expect(ring.snapshot().endsWith("→←")).toBe(true);
  });

  it("keeps seqs increasing across heavy churn (head compaction)", () => {
    const ring = new OutputRing(64);
    let last = 0;
    for (let i = 0; i < 10_000; i += 1) {
      const seq = ring.push(`line ${i}\n`);
      expect(seq).toBe(last + 1);
      last = seq;
    }
    const kept = ring.since(0);
    expect(kept.at(-1)).toEqual({ seq: 10_000, data: "line 9999\n" });
    expect(kept.every((c, i) => i === 0 || c.seq === kept[i - 1]!.seq + 1)).toBe(true);
  });

  it("rejects a nonsense capacity", () => {
    expect(() => new OutputRing(0)).toThrow(RangeError);
  });
});
