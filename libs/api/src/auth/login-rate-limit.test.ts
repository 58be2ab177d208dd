import { describe, expect, it } from "vitest";
import { LoginRateLimiter } from "./login-rate-limit.ts";

describe("LoginRateLimiter lockout hook", () => {
  it("is told once, on the failure that locks the account", async () => {
    const locked: string[] = [];
    const limiter = new LoginRateLimiter({ perIpPoints: 100, perAccountFailures: 3, windowSeconds: 60 }, (e) =>
      locked.push(e),
    );
    for (let i = 0; i < 2; i++) await limiter.recordFailure("ann@example.com");
    expect(locked).toEqual([]);
    await limiter.recordFailure("ann@example.com");
    expect(locked).toEqual(["ann@example.com"]);
    expect(await limiter.allowAttempt("10.0.0.1", "ann@example.com")).toBe(false);
    await limiter.recordFailure("ann@example.com");
    expect(locked).toEqual(["ann@example.com"]);
  });

  it("charges the address for failed attempts only: successful sign-ins give their point back", async () => {
    const limiter = new LoginRateLimiter({ perIpPoints: 3, perAccountFailures: 100, windowSeconds: 60 });
    for (let i = 0; i < 10; i++) {
      expect(await limiter.allowAttempt("10.0.0.2", "team@example.com")).toBe(true);
      await limiter.recordSuccess("10.0.0.2", "team@example.com");
    }
    for (let i = 0; i < 3; i++) {
      expect(await limiter.allowAttempt("10.0.0.2", "guess@example.com")).toBe(true);
      await limiter.recordFailure("guess@example.com");
    }
    expect(await limiter.allowAttempt("10.0.0.2", "team@example.com")).toBe(false);
  });
});
