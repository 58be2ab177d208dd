import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { startEmbeddedPostgres } from "../postgres/embedded.ts";
import { freePort } from "../postgres/free-port.ts";
import { applyMigrations } from "../migrations/migrator.ts";

export interface TestPostgres {
  url: string;
  adminUrl: string;
  /** The cluster's data directory (its postmaster.pid names the server process). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL for one test run: fresh data dir under /tmp, a free port,
 * all migrations applied (unless prismaDir is null). Tests isolate themselves by creating uniquely named rows.
 */
export async function startTestPostgres(prismaDir: string | null, database = "stratavore_test"): Promise<TestPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), "stratavore-pg-"));
  const server = await startEmbeddedPostgres({
    dataDir: join(dataDir, "data"),
    port: await freePort(),
    password: "test",
  });
  await server.ensureDatabase(database);
  const url = server.urlFor(database);
  if (prismaDir) await applyMigrations(url, { prismaDir });
  return {
    url,
    adminUrl: server.urlFor("postgres"),
    dataDir: join(dataDir, "data"),
    async stop() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

const PRISMA_DIR = fileURLToPath(new URL("../../../../prisma", import.meta.url));

/** A new, migrated database in the test cluster, for tests that need the whole database to themselves. */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
  /** migrate: false leaves it empty (an upgrade test applies migrations up to a point itself). */
  { migrate = true }: { migrate?: boolean } = {},
): Promise<string> {
  const name = `${prefix}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = adminUrl.replace(/\/postgres$/, `/${name}`);
  if (migrate) await applyMigrations(url, { prismaDir: PRISMA_DIR });
  return url;
}
