import { RateLimiterMemory } from "rate-limiter-flexible";

export interface LoginLimits {
  perIpPoints: number;
  perAccountFailures: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perIpPoints: 30, perAccountFailures: 8, windowSeconds: 15 * 60 };

/**
 * Every attempt costs the client IP one point; only failures cost the account one, so a
 * stranger cannot lock a real user out by guessing from many addresses for long.
 * In-memory: one server process (see docs/SECURITY.md for multi-instance).
 */
export class LoginRateLimiter {
  private readonly ip: RateLimiterMemory;
  private readonly account: RateLimiterMemory;

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    /** Told once when an account's failures lock it (for the `auth.locked_out` announcement). */
    private readonly onAccountLocked?: (email: string) => void,
  ) {
    this.ip = new RateLimiterMemory({
      keyPrefix: "login-ip",
      points: limits.perIpPoints,
      duration: limits.windowSeconds,
    });
    this.account = new RateLimiterMemory({
      keyPrefix: "login-acct",
      points: limits.perAccountFailures,
      duration: limits.windowSeconds,
    });
  }

  /** False when this attempt must be refused without checking the password. */
  async allowAttempt(ip: string, email: string): Promise<boolean> {
    const acct = await this.account.get(email);
    if (acct && acct.remainingPoints <= 0) return false;
    try {
      await this.ip.consume(ip);
      return true;
    } catch {
      return false;
    }
  }

  async recordFailure(email: string): Promise<void> {
    const res = await this.account.consume(email).catch(() => null);
    // Exactly the failure that spent the last point locks the account; later ones are refused before this.
    if (res && res.remainingPoints === 0) this.onAccountLocked?.(email);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.account.delete(email);
  }
}
