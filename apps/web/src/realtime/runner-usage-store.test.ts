import { describe, expect, it, vi } from "vitest";
import { RunnerUsageStore } from "./runner-usage-store";

describe("RunnerUsageStore", () => {
  it("sets totals and tells subscribers", () => {
    const store = new RunnerUsageStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.set([{ runnerId: "a", totalTokens: 10, costUsd: 0.1, unpricedTokens: 0 }]);
    expect(store.get("a")).toEqual({ totalTokens: 10, costUsd: 0.1, unpricedTokens: 0 });
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it("ignores an older (smaller) total, such as a seed that raced an event", () => {
    const store = new RunnerUsageStore();
    store.set([{ runnerId: "a", totalTokens: 50, costUsd: 0.5 }]);
    store.set([{ runnerId: "a", totalTokens: 40, costUsd: 0.4, unpricedTokens: 0 }]);
    expect(store.get("a")?.totalTokens).toBe(50);
  });

  it("keeps the last known unpriced figure when an event (which lacks it) moves the totals", () => {
    const store = new RunnerUsageStore();
    store.set([{ runnerId: "a", totalTokens: 10, costUsd: 0, unpricedTokens: 10 }]);
    store.set([{ runnerId: "a", totalTokens: 20, costUsd: 0.2 }]);
    expect(store.get("a")).toEqual({ totalTokens: 20, costUsd: 0.2, unpricedTokens: 10 });
  });

  it("does not notify when nothing changed", () => {
    const store = new RunnerUsageStore();
    store.set([{ runnerId: "a", totalTokens: 10, costUsd: 0.1 }]);
    const listener = vi.fn();
    store.subscribe(listener);
    store.set([{ runnerId: "a", totalTokens: 10, costUsd: 0.1 }]);
    expect(listener).not.toHaveBeenCalled();
  });
});
