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
  /** Failures for one account from one address before that address is locked out of it. */
  perAccountFailures: number;
  /** Failures for one account from all addresses together before it is locked for everyone. */
  perAccountFailuresAll: number;
  windowSeconds: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perIpPoints: 30,
  perAccountFailures: 8,
  perAccountFailuresAll: 100,
  windowSeconds: 15 * 60,
};

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
 * NAT signing in all morning is not an attack). Failures cost the account one point at that
 * address: 8 lock that address out of the account, not its owner elsewhere — with one lock per
 * account, 8 wrong passwords every 15 minutes from anywhere kept an admin out for good (the
 * attacker review). Many addresses guessing one account meet a second, account-wide limit.
 */
export class LoginRateLimiter {
  private readonly ip: RateLimiterAbstract;
  private readonly account: RateLimiterAbstract;
  private readonly accountAll: RateLimiterAbstract;
  /** Counter keys whose last point an attempt still in flight took: its failure is the lock. */
  private readonly lastPoint = new Set<string>();

  constructor(
    limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
    /**
     * Told once when failures lock an account (for the `auth.locked_out` announcement): for one
     * address (`address`: its key, an IPv6 client's /64) or for everyone (`address` null).
     */
    private readonly onAccountLocked?: (email: string, address: string | null) => void,
    store: RateLimitStore = { kind: "memory" },
  ) {
    this.ip = limiter(store, { keyPrefix: "login-ip", points: limits.perIpPoints, duration: limits.windowSeconds });
    this.account = limiter(store, {
      keyPrefix: "login-acct-ip",
      points: limits.perAccountFailures,
      duration: limits.windowSeconds,
    });
    this.accountAll = limiter(store, {
      keyPrefix: "login-acct",
      points: limits.perAccountFailuresAll,
      duration: limits.windowSeconds,
    });
  }

  /**
   * False when this attempt must be refused without checking the password. Each counter's point
   * is taken now, before the password is checked (argon2 takes a while), and given back if the
   * attempt succeeds: checked first and spent on failure, 30 guesses fired at once all passed
   * the check and 19 were tried against a limit of 8 (the attacker review).
   */
  async allowAttempt(ip: string, email: string): Promise<boolean> {
    const taken: [RateLimiterAbstract, string][] = [];
    const last: string[] = [];
    const giveBack = async (also: [RateLimiterAbstract, string][]) => {
      for (const [c, k] of [...taken, ...also]) await c.reward(k, 1).catch(() => undefined);
    };
    for (const [counter, key] of [
      [this.account, pairKey(email, ip)],
      [this.accountAll, email],
      [this.ip, addressOf(ip)],
    ] as const) {
      // A store that fails (database down) fails the sign-in; what was taken goes back first.
      const left = await spend(counter, key).catch(async (err: unknown) => {
        await giveBack([]);
        throw err;
      });
      if (left === null) {
        // The refused counter counted the refusal too.
        await giveBack([[counter, key]]);
        return false;
      }
      taken.push([counter, key]);
      if (left === 0 && counter !== this.ip) last.push(key);
    }
    // Only an attempt that went ahead can lock by failing.
    for (const key of last) this.lastPoint.add(key);
    return true;
  }

  /**
   * The attempt neither failed nor succeeded (the database away, argon2 failing): its points go
   * back, so a fault is never counted as a wrong password.
   */
  async recordAborted(ip: string, email: string): Promise<void> {
    this.lastPoint.delete(email);
    this.lastPoint.delete(pairKey(email, ip));
    for (const [counter, key] of [
      [this.account, pairKey(email, ip)],
      [this.accountAll, email],
      [this.ip, addressOf(ip)],
    ] as const)
      await counter.reward(key, 1).catch(() => undefined);
  }

  /** The attempt failed: its points stay spent. A lock is told once, when the attempt that took its last point fails. */
  async recordFailure(ip: string, email: string): Promise<void> {
    const [all, here] = [this.lastPoint.delete(email), this.lastPoint.delete(pairKey(email, ip))];
    if (all) this.onAccountLocked?.(email, null);
    else if (here) this.onAccountLocked?.(email, addressOf(ip));
  }

  /** The password was right: its failures at this address are forgotten, the attempt's points given back. */
  async recordSuccess(ip: string, email: string): Promise<void> {
    this.lastPoint.delete(email);
    this.lastPoint.delete(pairKey(email, ip));
    // Each on its own: a store failing on one must not keep the others (nor fail a right password).
    await this.account.delete(pairKey(email, ip)).catch(() => undefined);
    await this.accountAll.reward(email, 1).catch(() => undefined);
    await this.ip.reward(addressOf(ip), 1).catch(() => undefined);
  }
}

/** Takes a point: the points left after it, or null when none was left. A store that failed (database down) throws. */
async function spend(counter: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    return (await counter.consume(key)).remainingPoints;
  } catch (err) {
    // A refusal is a RateLimiterRes; a store's failure is an Error.
    if (err instanceof Error) throw err;
    return null;
  }
}

/** An IPv6 client is its /64: one host holds a whole /64 and could count as 2^64 addresses. */
const pairKey = (email: string, ip: string) => `${email} ${addressOf(ip)}`;

function addressOf(ip: string): string {
  const v6 = ip.startsWith("::ffff:") ? null : ip.includes(":") ? ip : null;
  if (!v6) return ip.replace(/^::ffff:/, "");
  // Expand "::" so the first four groups are the /64.
  const [head = "", tail = ""] = v6.split("::");
  const left = head ? head.split(":") : [];
  const right = v6.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = v6.includes("::") ? [...left, ...Array(8 - left.length - right.length).fill("0"), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.toLowerCase() || "0")
    .join(":")}::/64`;
}
