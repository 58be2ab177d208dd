import superjson from "superjson";
import type { createClient } from "redis";
import type { ApiDeps } from "../deps.ts";

type Redis = ReturnType<typeof createClient>;

/**
 * Hot reads answered once for every open dashboard of every instance (ADR 0009): each page
 * showing a usage report refetches it every 10 s while anyone spends, so N viewers cost N
 * identical rollup queries. With Redis (REDIS_URL) the first answer is kept a few seconds for
 * all of them; without it every read goes to PostgreSQL's rollups, which are fast enough alone.
 */
export interface ReadCache {
  /** `compute()`'s answer, or the one cached under `namespace`/`key` less than `ttlMs` ago. */
  through<T>(namespace: string, key: string, ttlMs: number, compute: () => Promise<T>): Promise<T>;
  /** Nothing cached under `namespace` is answered again (an import or a reprice changed the past). */
  invalidate(namespace: string): Promise<void>;
}

/** The namespace of cached usage reports (usage.query with a range): imports and reprices invalidate it. */
export const USAGE_CACHE = "usage-reports";

/** A namespace's hash is dropped this long after it was created (and started again on the next read). */
const NAMESPACE_TTL_SECONDS = 600;

/**
 * One Redis hash per namespace, each field an answer with the time it was computed: a hit is
 * one HGET, and invalidating is one DEL (Redis 7.0, Debian's, has no per-field expiry). Redis
 * failing is never the reader's problem: the answer is computed and the failure logged.
 */
export function redisReadCache(redis: Redis, log: ApiDeps["log"], now: () => number = Date.now): ReadCache {
  const hash = (namespace: string) => `stratavore:cache:${namespace}`;
  let lastWarned = 0;
  const warn = (err: unknown) => {
    // At most once a minute: a Redis outage must not flood the log from every read.
    if (now() - lastWarned < 60_000) return;
    lastWarned = now();
    log("warn", "read cache unavailable; reading from PostgreSQL", { error: String(err) });
  };
  // While Redis is away the client queues commands until it reconnects: a reader would wait
  // for Redis instead of falling back. Only a ready connection is asked.
  const usable = () => {
    if (redis.isReady) return true;
    warn(new Error("Redis connection not ready"));
    return false;
  };
  return {
    async through(namespace, key, ttlMs, compute) {
      const cached = usable()
        ? await redis.hGet(hash(namespace), key).catch((err: unknown) => (warn(err), null))
        : null;
      if (cached) {
        const { at, value } = superjson.parse<{ at: number; value: unknown }>(cached);
        if (now() - at < ttlMs) return value as Awaited<ReturnType<typeof compute>>;
      }
      // Stamped when the computation began: an answer that raced an invalidation ages out sooner.
      const startedAt = now();
      const value = await compute();
      if (usable())
        await redis
          .multi()
          .hSet(hash(namespace), key, superjson.stringify({ at: startedAt, value }))
          // NX: set once, when the hash is created, so it is dropped whole within this even
          // while read: answers for ranges nobody asks again do not pile up.
          .expire(hash(namespace), NAMESPACE_TTL_SECONDS, "NX")
          .exec()
          .catch(warn);
      return value;
    },
    async invalidate(namespace) {
      if (usable()) await redis.del(hash(namespace)).catch(warn);
    },
  };
}
