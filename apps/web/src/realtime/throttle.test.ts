import { afterEach, beforeEach, expect, it, vi } from "vitest";
import { throttle } from "./throttle";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

it("runs at once, collapses a burst into one trailing run, then runs at once again", () => {
  const run = vi.fn();
  const trigger = throttle(run, 1000);
  trigger();
  expect(run).toHaveBeenCalledTimes(1);
  trigger();
  trigger();
  trigger();
  expect(run).toHaveBeenCalledTimes(1);
  vi.advanceTimersByTime(1000);
  expect(run).toHaveBeenCalledTimes(2);
  vi.advanceTimersByTime(1000);
  expect(run).toHaveBeenCalledTimes(2);
  trigger();
  expect(run).toHaveBeenCalledTimes(3);
});
