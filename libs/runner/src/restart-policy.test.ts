import { describe, expect, it } from "vitest";
import { restartDelayMs, shouldRestart } from "./restart-policy.ts";

describe("restartDelayMs", () => {
  it("doubles from the base and stops at the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => restartDelayMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(restartDelayMs(3, { baseMs: 100, maxMs: 250 })).toBe(250);
    expect(restartDelayMs(0)).toBe(1000);
    expect(restartDelayMs(10_000)).toBe(30000);
  });
});

describe("shouldRestart", () => {
  const crash = { exitCode: 1, signal: null, endedBy: "process" as const, attempts: 0 };

  it("restarts a crash or an unrequested signal", () => {
    expect(shouldRestart(crash)).toBe(true);
    expect(shouldRestart({ ...crash, exitCode: null, signal: "SIGSEGV" })).toBe(true);
  });

  it("never restarts a clean exit or anything someone asked for", () => {
    expect(shouldRestart({ ...crash, exitCode: 0 })).toBe(false);
    for (const endedBy of ["user", "budget", "agent"] as const) {
      expect(shouldRestart({ ...crash, endedBy })).toBe(false);
      expect(shouldRestart({ ...crash, exitCode: null, signal: "SIGKILL", endedBy })).toBe(false);
    }
  });

  it("stops a crash loop at maxAttempts", () => {
    expect(shouldRestart({ ...crash, attempts: 2 })).toBe(true);
    expect(shouldRestart({ ...crash, attempts: 3 })).toBe(false);
    expect(shouldRestart({ ...crash, attempts: 1, maxAttempts: 1 })).toBe(false);
  });
});
