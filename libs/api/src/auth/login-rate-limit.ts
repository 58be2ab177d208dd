import type { Pool } from "pg";
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  type IRateLimiterOptions,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";

export interface LoginLimits {
  perIpPoints: number;
  perAccountFailures: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perIpPoints: 30, perAccountFailures: 8, windowSeconds: 15 * 60 };

/**
 * Where the counters live. Memory is one process's; PostgreSQL (the `rate_limits` table) and
 * Redis are shared, so several server instances behind a load balancer count one budget of
 * guesses, not one each.
 */
export type RateLimitStore = { kind: "memory" } | { kind: "postgres"; pool: Pool } | { kind: "redis"; client: unknown };

function limiter(store: RateLimitStore, opts: IRateLimiterOptions): RateLimiterAbstract {
  if (store.kind === "postgres")
    return new RateLimiterPostgres({
      ...opts,
      storeClient: store.pool,
      storeType: "pool",
      tableName: "rate_limits",
      // The table is a Prisma migration's (RateLimit model), not created at run time.
      tableCreated: true,
      clearExpiredByTimeout: false,
    });
  if (store.kind === "redis")
    return new RateLimiterRedis({ ...opts, storeClient: store.client, useRedisPackage: true });
  return new RateLimiterMemory(opts);
}

/**
 * Every attempt costs the client IP one point, given back when it succeeds (a team behind one
 * NAT signing in all morning is not an attack); only failures cost the account one, so a
 * stranger cannot lock a real user out by guessing from many addresses for long.
 */
export class LoginRateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    /** Told once when an account's failures lock it (for the `auth.locked_out` announcement). */
    private readonly onAccountLocked?: (email: string) => void,
    store: RateLimitStore = { kind: "memory" },
  ) {
    this.ip = limiter(store, { keyPrefix: "login-ip", points: limits.perIpPoints, duration: limits.windowSeconds });
    this.account = limiter(store, {
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
    } catch (err) {
      // A refusal is a RateLimiterRes; a store that failed (database down) is an Error: it propagates.
      if (err instanceof Error) throw err;
      return false;
    }
  }

  async recordFailure(email: string): Promise<void> {
    const res = await this.account.consume(email).catch((err: unknown) => {
      if (err instanceof Error) throw err;
      return null;
    });
    // Exactly the failure that spent the last point locks the account; later ones are refused before this.
    if (res && res.remainingPoints === 0) this.onAccountLocked?.(email);
  }

  async recordSuccess(ip: string, email: string): Promise<void> {
    await this.account.delete(email);
    await this.ip.reward(ip, 1);
  }
}
