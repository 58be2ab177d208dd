import { afterEach, describe, expect, it, vi } from "vitest";
import { cachedFor } from "./cached-for.ts";

afterEach(() => vi.useRealTimers());

describe("cachedFor", () => {
  it("shares one load within the window and loads again after it", async () => {
    vi.useFakeTimers();
    let n = 0;
    const get = cachedFor(1000, async () => ++n);
    expect(await Promise.all([get(), get()])).toEqual([1, 1]);
    vi.advanceTimersByTime(1001);
    expect(await get()).toBe(2);
  });

  it("does not keep a failed load", async () => {
    let fail = true;
    const get = cachedFor(60_000, async () => {
      if (fail) throw new Error("db down");
      return "ok";
    });
    await expect(get()).rejects.toThrow("db down");
    fail = false;
    expect(await get()).toBe("ok");
  });

  it("in the background mode answers a stale value at once and refreshes it once behind", async () => {
    vi.useFakeTimers();
    let n = 0;
    let release: () => void = () => {};
    const get = cachedFor(
      1000,
      () =>
        new Promise<number>((resolve) => {
          const v = ++n;
          if (v === 1) resolve(v);
          else release = () => resolve(v);
        }),
      { background: true },
    );
    expect(await get()).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(await get()).toBe(1);
    expect(await get()).toBe(1);
    expect(n).toBe(2);
    release();
    await vi.advanceTimersByTimeAsync(0);
    expect(await get()).toBe(2);
  });

  it("with no cache window still shares a load in flight", async () => {
    let n = 0;
    const get = cachedFor(0, async () => {
      await new Promise((r) => setTimeout(r, 10));
      return ++n;
    });
    expect(await Promise.all([get(), get(), get()])).toEqual([1, 1, 1]);
    expect(await get()).toBe(2);
  });

  it("reports a failed background refresh and keeps answering the last value", async () => {
    vi.useFakeTimers();
    let n = 0;
    const errors: unknown[] = [];
    const get = cachedFor(
      1000,
      async () => {
        if (++n > 1) throw new Error("db down");
        return n;
      },
      { background: true, onBackgroundError: (e) => errors.push(e) },
    );
    expect(await get()).toBe(1);
    vi.advanceTimersByTime(1001);
    expect(await get()).toBe(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(errors).toHaveLength(1);
    expect(await get()).toBe(1);
  });
});
