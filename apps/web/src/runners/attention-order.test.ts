import { describe, expect, it } from "vitest";
import type { Runner } from "@stratavore/contracts";
import { runnerFixture } from "@stratavore/contracts/testing";
import { byAttention, needingSomeone } from "./attention-order";

const make = (id: string, over: Partial<Runner>, minute: number): Runner =>
  runnerFixture({
    id,
    activity: "working",
    nodeName: "n",
    createdAt: new Date(Date.UTC(2026, 11, 1, 10, minute)),
    ...over,
  });

describe("byAttention", () => {
  it("puts runners waiting on their user and paused ones first, then broken ones, then the rest newest first", () => {
    const working = make("working", {}, 5);
    const newer = make("newer", { activity: "idle" }, 9);
    const waiting = make("waiting", { activity: "waiting" }, 1);
    const paused = make("paused", { status: "paused" }, 2);
    const lost = make("lost", { status: "lost" }, 8);
    expect(byAttention([working, newer, waiting, paused, lost]).map((r) => r.id)).toEqual([
      "paused",
      "waiting",
      "lost",
      "newer",
      "working",
    ]);
    expect(needingSomeone([working, newer, waiting, paused, lost]).map((r) => r.id)).toEqual([
      "paused",
      "waiting",
      "lost",
    ]);
  });
});
