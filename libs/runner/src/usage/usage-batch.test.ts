import { usageTotal } from "@stratavore/contracts";
import { describe, expect, it } from "vitest";
import { SESSION, assistantLine } from "./fixtures/lines.ts";
import { parseUsageLine } from "./parse-line.ts";
import { mergeByKey } from "./usage-batch.ts";

function record(spec: Parameters<typeof assistantLine>[0]) {
  const parsed = parseUsageLine(assistantLine(spec), { sessionId: SESSION });
  if (parsed.kind !== "usage") throw new Error("fixture line did not parse");
  return parsed.record;
}

describe("mergeByKey", () => {
  it("keeps the line with the larger total as a whole, never a per-field max", () => {
    // Line X: 6 + 400 + 0 + 0 + 1000 = 1406. Line Y: 6 + 90 + 2000 + 0 + 1000 = 3096.
    const x = record({
      id: "m",
      requestId: "r",
      input: 6,
      output: 400,
      cache5m: 0,
      cache1h: 0,
      cacheRead: 1000,
      text: "x",
    });
    const y = record({
      id: "m",
      requestId: "r",
      input: 6,
      output: 90,
      cache5m: 2000,
      cache1h: 0,
      cacheRead: 1000,
      text: "y",
    });
    expect([usageTotal(x), usageTotal(y)]).toEqual([1406, 3096]);
    for (const order of [
      [x, y],
      [y, x],
    ]) {
      const [kept, ...rest] = mergeByKey(order);
      expect(rest).toEqual([]);
      expect(kept).toBe(y); // the same object: nothing mixed in from x
      // A per-field max would have claimed output 400 with 2000 cache writes: 3406 tokens.
      expect([kept!.outputTokens, kept!.cacheWrite5mTokens, usageTotal(kept!)]).toEqual([90, 2000, 3096]);
    }
  });

  it("keeps the largest of a streamed response's growing snapshots", () => {
    const snapshots = [1, 40, 152, 40].map((output) => record({ id: "m", requestId: "r", output }));
    const merged = mergeByKey(snapshots);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.outputTokens).toBe(152);
  });

  it("on equal totals keeps the main thread's line over a sidechain replay, whichever comes first; else the first", () => {
    const main = record({ id: "m", requestId: "r", sidechain: false, timestamp: "2026-03-01T09:00:02.000Z" });
    const replay = record({ id: "m", requestId: "r2", sidechain: true, timestamp: "2026-03-01T09:00:01.000Z" });
    expect(usageTotal(main)).toBe(usageTotal(replay));
    expect(mergeByKey([main, replay])).toEqual([main]);
    expect(mergeByKey([replay, main])).toEqual([main]);
    // Two replays, or two main lines, of equal totals: the first stays.
    const replay2 = record({ id: "m", requestId: "r3", sidechain: true });
    expect(mergeByKey([replay, replay2])[0]).toBe(replay);
    const main2 = record({ id: "m", requestId: "r4", sidechain: false });
    expect(mergeByKey([main, main2])[0]).toBe(main);
    // A larger replay still wins: the larger total is the rule, the flag only breaks ties.
    const biggerReplay = record({ id: "m", requestId: "r5", sidechain: true, output: 500 });
    expect(mergeByKey([main, biggerReplay])[0]).toBe(biggerReplay);
  });

  it("treats each message id separately, whatever the request id, and keeps first-seen order", () => {
    const a = record({ id: "a", requestId: "r1", output: 5 });
    const b = record({ id: "b", requestId: null, output: 6 });
    const aBigger = record({ id: "a", requestId: "r1", output: 50 });
    // The same message id under another request id (a sidechain replay) is the same response.
    const aOtherRequest = record({ id: "a", requestId: "r2", output: 7 });
    const merged = mergeByKey([a, b, aBigger, aOtherRequest]);
    expect(merged.map((r) => [r.messageId, r.requestId, r.outputTokens])).toEqual([
      ["a", "r1", 50],
      ["b", null, 6],
    ]);
    expect(mergeByKey([])).toEqual([]);
  });
});
