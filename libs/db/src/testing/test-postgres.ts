import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedPostgres } from "../postgres/embedded.ts";
import { freePort } from "../postgres/free-port.ts";
import { applyMigrations } from "../migrations/migrator.ts";

export interface TestPostgres {
  url: string;
  adminUrl: string;
  stop(): Promise<void>;
}

/**
 * A throwaway PostgreSQL for one test run: fresh data dir under /tmp, a free port,
 * all migrations applied (unless prismaDir is null). Tests isolate themselves by creating uniquely named rows.
 */
export async function startTestPostgres(
  prismaDir: string | null,
  database = "stratavore_test",
): Promise<TestPostgres> {
  const dataDir = await mkdtemp(join(tmpdir(), "stratavore-pg-"));
  const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, "data"), port: await freePort(), password: "test" });
  await pg.ensureDatabase(database);
  const url = pg.urlFor(database);
  if (prismaDir) await applyMigrations(url, { prismaDir });
  return {
    url,
    adminUrl: pg.urlFor("postgres"),
    async stop() {
      await pg.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
