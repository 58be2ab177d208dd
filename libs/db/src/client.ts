import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";
import { SerialClient } from "./serial-client.ts";

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client.ts";

export interface DbOptions {
  connectionString: string;
  /** Pool size per process; Postgres' default max_connections is 100. */
  poolMax?: number;
}

/** Connections of a client's pool: open, idle, and requests waiting for one. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  max: number;
}

// The pool is ours (not Prisma's internal one) so its occupancy can be exported as metrics.
const pools = new WeakMap<Db, { pool: pg.Pool; max: number }>();

export function createDb({ connectionString, poolMax = 10 }: DbOptions): Db {
  // A database that stops answering (SIGSTOP, a dead host) fails new connections in 10 s
  // instead of queueing requests forever.
  const pool = new pg.Pool({ connectionString, max: poolMax, connectionTimeoutMillis: 10_000, Client: SerialClient });
  // An idle connection the server dropped must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const db = new PrismaClient({ adapter: new PrismaPg(pool) });
  pools.set(db, { pool, max: poolMax });
  const disconnect = db.$disconnect.bind(db);
  // Prisma does not end a pool it was given: closing the client closes ours too.
  Object.defineProperty(db, "$disconnect", {
    value: async () => {
      try {
        await disconnect();
      } finally {
        await pool.end().catch(() => undefined);
      }
    },
  });
  return db;
}

/** The client's pg pool, for the few paths that need a raw transaction (the outbox dispatcher). */
export function poolOf(db: Db): pg.Pool {
  const entry = pools.get(db);
  if (!entry) throw new Error("not a client made by createDb");
  return entry.pool;
}

export function poolStats(db: Db): PoolStats | null {
  const entry = pools.get(db);
  if (!entry) return null;
  const { pool, max } = entry;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max };
}

/** True when the database answers a trivial query. Used by /readyz. */
/**
 * Whether the database answers within `timeoutMs`, on a connection of its own: a stalled
 * server (SIGSTOP, a full disk) must give readiness probes a quick "no" without tying up the
 * pool's connections.
 */
export async function pingDatabase(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
  });
  client.on("error", () => undefined);
  const attempt = (async () => {
    try {
      await client.connect();
      await client.query("SELECT 1");
      return true;
    } catch {
      return false;
    } finally {
      void client.end().catch(() => undefined);
    }
  })();
  const late = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs + 100).unref());
  return Promise.race([attempt, late]);
}

export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
