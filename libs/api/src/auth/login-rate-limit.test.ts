import { describe, expect, it } from "vitest";
import { LoginRateLimiter } from "./login-rate-limit.ts";

/** A sign-in as verifyCredentials makes it, with the wrong password: asked, then failed (if let in). */
async function failedSignIn(limiter: LoginRateLimiter, ip: string, email: string): Promise<boolean> {
  if (!(await limiter.allowAttempt(ip, email))) return false;
  await limiter.recordFailure(ip, email);
  return true;
}

describe("LoginRateLimiter lockout hook", () => {
  it("is told once, on the failure that locks the account", async () => {
    const locked: string[] = [];
    const limiter = new LoginRateLimiter(
      { perIpPoints: 100, perAccountFailures: 3, perAccountFailuresAll: 100, windowSeconds: 60 },
      (e, address) => locked.push(`${e} ${address}`),
    );
    for (let i = 0; i < 2; i++) await failedSignIn(limiter, "10.0.0.1", "ann@example.com");
    expect(locked).toEqual([]);
    await failedSignIn(limiter, "10.0.0.1", "ann@example.com");
    expect(locked).toEqual(["ann@example.com 10.0.0.1"]);
    expect(await limiter.allowAttempt("10.0.0.1", "ann@example.com")).toBe(false);
    await failedSignIn(limiter, "10.0.0.1", "ann@example.com");
    expect(locked).toEqual(["ann@example.com 10.0.0.1"]);
  });

  it("charges the address for failed attempts only: successful sign-ins give their point back", async () => {
    const limiter = new LoginRateLimiter({
      perIpPoints: 3,
      perAccountFailures: 100,
      perAccountFailuresAll: 100,
      windowSeconds: 60,
    });
    for (let i = 0; i < 10; i++) {
      expect(await limiter.allowAttempt("10.0.0.2", "team@example.com")).toBe(true);
      await limiter.recordSuccess("10.0.0.2", "team@example.com");
    }
    for (let i = 0; i < 3; i++) expect(await failedSignIn(limiter, "10.0.0.2", "guess@example.com")).toBe(true);
    expect(await limiter.allowAttempt("10.0.0.2", "team@example.com")).toBe(false);
  });

  it("locks an address out of an account, not the account's owner at another address; many addresses meet the account-wide limit", async () => {
    const locked: string[] = [];
    const limiter = new LoginRateLimiter(
      { perIpPoints: 100, perAccountFailures: 3, perAccountFailuresAll: 5, windowSeconds: 60 },
      (e, address) => locked.push(`${e} ${address ?? "everywhere"}`),
    );
    for (let i = 0; i < 3; i++) await failedSignIn(limiter, "203.0.113.9", "admin@example.com");
    expect(await limiter.allowAttempt("203.0.113.9", "admin@example.com")).toBe(false);
    // The admin, elsewhere, still signs in.
    expect(await limiter.allowAttempt("10.0.0.5", "admin@example.com")).toBe(true);
    // Said as what it is: a lock of that address, not of the account.
    expect(locked).toEqual(["admin@example.com 203.0.113.9"]);
    // Two more addresses guessing: five failures in all lock the account everywhere.
    await failedSignIn(limiter, "198.51.100.1", "admin@example.com");
    await failedSignIn(limiter, "198.51.100.2", "admin@example.com");
    expect(await limiter.allowAttempt("10.0.0.5", "admin@example.com")).toBe(false);
    expect(locked).toEqual(["admin@example.com 203.0.113.9", "admin@example.com everywhere"]);
  });

  it("takes an IPv6 client as its /64: the addresses one host holds are one address here", async () => {
    const limiter = new LoginRateLimiter({
      perIpPoints: 100,
      perAccountFailures: 2,
      perAccountFailuresAll: 100,
      windowSeconds: 60,
    });
    await failedSignIn(limiter, "2001:db8:1:2::a", "admin@example.com");
    await failedSignIn(limiter, "2001:db8:1:2:ffff:1:2:3", "admin@example.com");
    expect(await limiter.allowAttempt("2001:db8:1:2::b", "admin@example.com")).toBe(false);
    expect(await limiter.allowAttempt("2001:db8:1:3::a", "admin@example.com")).toBe(true);
    // An IPv4 client seen through an IPv6 socket is its IPv4 address.
    await failedSignIn(limiter, "::ffff:192.0.2.7", "ann@example.com");
    await failedSignIn(limiter, "192.0.2.7", "ann@example.com");
    expect(await limiter.allowAttempt("192.0.2.7", "ann@example.com")).toBe(false);
  });

  it("guesses fired at once are tried no more than the limit allows (the attacker review: 19 of 30 tried against 8)", async () => {
    const locked: string[] = [];
    const limiter = new LoginRateLimiter(
      { perIpPoints: 100, perAccountFailures: 8, perAccountFailuresAll: 100, windowSeconds: 60 },
      (e, address) => locked.push(`${e} ${address}`),
    );
    const tried = await Promise.all(
      Array.from({ length: 30 }, () => failedSignIn(limiter, "127.0.0.8", "admin@example.com")),
    );
    expect(tried.filter(Boolean)).toHaveLength(8);
    expect(locked).toEqual(["admin@example.com 127.0.0.8"]);
  });

  it("a refused attempt costs nothing: the address's points for other accounts stay", async () => {
    const limiter = new LoginRateLimiter({
      perIpPoints: 5,
      perAccountFailures: 2,
      perAccountFailuresAll: 100,
      windowSeconds: 60,
    });
    for (let i = 0; i < 2; i++) await failedSignIn(limiter, "10.0.0.9", "a@example.com");
    for (let i = 0; i < 10; i++) expect(await failedSignIn(limiter, "10.0.0.9", "a@example.com")).toBe(false);
    // 2 of the 5 address points spent by the two real failures; 3 left for other accounts.
    for (const email of ["b@example.com", "c@example.com", "d@example.com"])
      expect(await limiter.allowAttempt("10.0.0.9", email)).toBe(true);
    expect(await limiter.allowAttempt("10.0.0.9", "e@example.com")).toBe(false);
  });

  it("an attempt refused by a later counter leaves no lock to announce, and an aborted one gives its points back (the diff review)", async () => {
    const locked: string[] = [];
    const limiter = new LoginRateLimiter(
      { perIpPoints: 2, perAccountFailures: 2, perAccountFailuresAll: 100, windowSeconds: 1 },
      (e, address) => locked.push(`${e} ${address}`),
    );
    expect(await failedSignIn(limiter, "10.0.0.7", "a@example.com")).toBe(true);
    expect(await limiter.allowAttempt("10.0.0.7", "b@example.com")).toBe(true); // in flight: the address's last point
    // a's last point at this address is taken, then the address refuses: nothing went ahead to lock a.
    expect(await limiter.allowAttempt("10.0.0.7", "a@example.com")).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a new window
    expect(await failedSignIn(limiter, "10.0.0.7", "a@example.com")).toBe(true);
    expect(locked).toEqual([]);
    // Faults are not wrong passwords: aborted attempts cost nothing.
    for (let i = 0; i < 5; i++) {
      expect(await limiter.allowAttempt("10.0.0.8", "c@example.com")).toBe(true);
      await limiter.recordAborted("10.0.0.8", "c@example.com");
    }
    expect(await failedSignIn(limiter, "10.0.0.8", "c@example.com")).toBe(true);
  });
});
