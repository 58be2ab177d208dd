import { describe, expect, it } from "vitest";
import { Fleet } from "./fleet.ts";

/** A lookup the test answers by hand, in the order it chooses. */
function manualLookup() {
  const calls: { id: string; answer: (nodeId: string | null) => void }[] = [];
  const lookup = (id: string) => new Promise<string | null>((resolve) => calls.push({ id, answer: resolve }));
  return { calls, lookup };
}

describe("Fleet's runner-owner cache", () => {
  it("askers during one uncached lookup share it, and resume in the order they asked", async () => {
    const fleet = new Fleet();
    const { calls, lookup } = manualLookup();
    const resumed: number[] = [];
    const asks = [0, 1, 2, 3].map((i) => fleet.ownerOf("r1", lookup).then((node) => resumed.push(i) && node));
    expect(calls).toHaveLength(1);
    calls[0]!.answer("n1");
    expect(await Promise.all(asks)).toEqual(["n1", "n1", "n1", "n1"]);
    expect(resumed).toEqual([0, 1, 2, 3]);
    // Cached now: no further lookup.
    expect(await fleet.ownerOf("r1", lookup)).toBe("n1");
    expect(calls).toHaveLength(1);
  });

  it("a node learnt (setOwner) while a lookup was on its way wins over the lookup's older answer", async () => {
    const fleet = new Fleet();
    const { calls, lookup } = manualLookup();
    const ask = fleet.ownerOf("r1", lookup);
    fleet.setOwner("r1", "n2");
    calls[0]!.answer("n1");
    expect(await ask).toBe("n2");
    expect(await fleet.ownerOf("r1", lookup)).toBe("n2");
  });

  it("a lookup that began before another instance moved the runner is asked again, not cached", async () => {
    const fleet = new Fleet();
    const { calls, lookup } = manualLookup();
    const ask = fleet.ownerOf("r1", lookup);
    // A peer says r1 moved (its node is N2 now); the lookup in flight read the old row.
    fleet.forgetLocally("r1", "moved");
    calls[0]!.answer("n1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toHaveLength(2);
    calls[1]!.answer("n2");
    expect(await ask).toBe("n2");
    expect(await fleet.ownerOf("r1", lookup)).toBe("n2");
  });

  it("a failed lookup is not cached: the next asker looks again", async () => {
    const fleet = new Fleet();
    let n = 0;
    const flaky = async () => {
      if (n++ === 0) throw new Error("connection reset");
      return "n1";
    };
    await expect(fleet.ownerOf("r1", flaky)).rejects.toThrow("connection reset");
    expect(await fleet.ownerOf("r1", flaky)).toBe("n1");
  });

  it("work queued serially under one key runs in the order queued even when earlier work is slower", async () => {
    const fleet = new Fleet();
    const done: number[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await Promise.all(
      [30, 0, 10].map((ms, i) =>
        fleet.serially("k", async () => {
          await sleep(ms);
          done.push(i);
        }),
      ),
    );
    expect(done).toEqual([0, 1, 2]);
  });
});
