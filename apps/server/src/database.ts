import { join } from "node:path";
import { applyMigrations, startEmbeddedPostgres, type RunningPostgres } from "@stratavore/db";
import { FilesystemStore, S3Store, type TranscriptStore } from "@stratavore/api";
import type { ServerEnv } from "./env.ts";
import type { Log } from "./logger.ts";
import { loadOrCreateSecret } from "./secrets.ts";

export interface DatabaseHandle {
  url: string;
  embedded: RunningPostgres | null;
}

/**
 * DATABASE_URL wins; otherwise a PostgreSQL embedded in the npm package, data under the data
 * directory, started as a child we stop on shutdown.
 */
export async function openDatabase(
  env: ServerEnv,
  log: Log,
  { migrate = true }: { migrate?: boolean } = {},
): Promise<DatabaseHandle> {
  let embedded: RunningPostgres | null = null;
  let url = env.databaseUrl;
  if (!url) {
    const t0 = Date.now();
    embedded = await startEmbeddedPostgres({
      dataDir: join(env.dataDir, "postgres"),
      port: env.embeddedPgPort,
      // Its own file: changing STRATAVORE_SECRET must not lock us out of existing data.
      password: await loadOrCreateSecret(env.dataDir, undefined, "postgres-password"),
      log,
    });
    await embedded.ensureDatabase("stratavore");
    url = embedded.urlFor("stratavore");
    log("info", "embedded postgres ready", { port: env.embeddedPgPort, ms: Date.now() - t0 });
  }
  if (migrate) {
    const applied = await applyMigrations(url, { prismaDir: env.prismaDir });
    if (applied.length) log("info", "migrations applied", { applied });
  }
  return { url, embedded };
}

/** Where archived transcripts live: S3 when configured, else files under the data directory. */
export function openTranscriptStore(env: ServerEnv): TranscriptStore {
  return env.s3 ? new S3Store(env.s3) : new FilesystemStore(join(env.dataDir, "transcripts"));
}
