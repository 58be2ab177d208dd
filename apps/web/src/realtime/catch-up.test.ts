import { afterEach, describe, expect, it, vi } from "vitest";
import { catchUp } from "./catch-up";

afterEach(() => vi.useRealTimers());

describe("catching up after a reconnect", () => {
  it("is stale while a backfill fails, retries, and says live only once all succeeded", async () => {
    vi.useFakeTimers();
    let failures = 2;
    const states: string[] = [];
    const calls = { ok: 0, flaky: 0 };
    catchUp({
      backfills: [
        async () => void calls.ok++,
        async () => {
          calls.flaky++;
          if (failures-- > 0) throw new Error("502");
        },
      ],
      connected: () => true,
      setState: (s) => states.push(s),
      retryMs: 1000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(["stale"]);
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(states).toEqual(["stale", "stale", "live"]);
    expect(calls).toEqual({ ok: 3, flaky: 3 });
  });

  it("stops when cancelled or disconnected, and never claims live afterwards", async () => {
    vi.useFakeTimers();
    const states: string[] = [];
    let connected = true;
    const cancel = catchUp({
      backfills: [
        async () => {
          throw new Error("down");
        },
      ],
      connected: () => connected,
      setState: (s) => states.push(s),
      retryMs: 1000,
    });
    await vi.advanceTimersByTimeAsync(0);
    cancel();
    await vi.advanceTimersByTimeAsync(5000);
    expect(states).toEqual(["stale"]);
    const later: string[] = [];
    catchUp({
      backfills: [
        async () => {
          connected = false;
        },
      ],
      connected: () => connected,
      setState: (s) => later.push(s),
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(later).toEqual([]);
  });
});
