import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client.ts";

export interface DbOptions {
  connectionString: string;
  /** Pool size per process; Postgres' default max_connections is 100. */
  poolMax?: number;
}

export function createDb({ connectionString, poolMax = 10 }: DbOptions): Db {
  // A database that stops answering (SIGSTOP, a dead host) fails new connections in 10 s
  // instead of queueing requests forever.
  const adapter = new PrismaPg({ connectionString, max: poolMax, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
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
