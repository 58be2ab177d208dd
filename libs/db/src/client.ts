import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client.ts";

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client.ts";

export interface DbOptions {
  connectionString: string;
  /** Pool size per process; Postgres' default max_connections is 100. */
  poolMax?: number;
}

export function createDb({ connectionString, poolMax = 10 }: DbOptions): Db {
  const adapter = new PrismaPg({ connectionString, max: poolMax });
  return new PrismaClient({ adapter });
}

/** True when the database answers a trivial query. Used by /readyz. */
export async function pingDb(db: Db): Promise<boolean> {
  try {
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
