/**
 * The import as users run it, against `npm start`'s server — the bundle, on plain Node, with its
 * flags, in a process of its own, with the dashboard when it is built — on a fresh database:
 *   - "cli": `stratavore import` (the CLI bundle, another process) sends usage and uploads files;
 *   - "settings": Settings → Import history (`usage.importLocal`): the server reads the files.
 * Times the first import and a repeat with nothing new, samples the server process's RSS from
 * /proc every 50 ms, and reads the ledger's totals.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiClient } from "@stratavore/api-client";
import { createDb, insertApiToken, type Db } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { generateApiTokenSecret } from "../../libs/api/src/auth/api-token-secret.ts";
import { buildCli, CLI_OUTFILE } from "../../scripts/build-cli.ts";
import { buildServer, SERVER_BUNDLE, SERVER_ENV, SERVER_NODE_FLAGS } from "../../scripts/build-server.ts";

const root = join(import.meta.dirname, "../..");
const MB = 1_048_576;

export interface BundledImportFigures {
  importMs: number;
  againMs: number;
  /** The server process after start-up (and one dashboard page), before the import. */
  rssIdleMb: number;
  rssPeakMb: number;
  dashboard: boolean;
  tokens: number;
  rows: number;
}

/** The process's resident set, 0 once it is gone. */
const rssOf = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
};
const waitUntil = async (what: string, check: () => Promise<boolean> | boolean, ms = 600_000) => {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 50)))
    if (await check()) return;
  throw new Error(`timed out waiting for ${what}`);
};

export async function measureBundledImport(projects: string, via: "cli" | "settings"): Promise<BundledImportFigures> {
  await Promise.all([buildServer(), buildCli()]);
  const pg = await startTestPostgres(null, `bench_parse_${via}`);
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-import-"));
  // Served as `npm start` serves it when the dashboard is built (npm run build:web).
  const dashboard = existsSync(join(root, "apps/web/.next/BUILD_ID"));
  const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, SERVER_BUNDLE], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: join(tmp, "home"),
      DATABASE_URL: pg.url,
      PORT: "0",
      STRATAVORE_DATA_DIR: join(tmp, "data"),
      STRATAVORE_SECRET: randomBytes(32).toString("base64url"),
      STRATAVORE_ADMIN_PASSWORD: "bench-admin-password",
      STRATAVORE_LOCAL_AGENT: "false",
      STRATAVORE_SERVE_DASHBOARD: String(dashboard),
      STRATAVORE_LOG_LEVEL: "warn",
      ...SERVER_ENV,
    } as unknown as NodeJS.ProcessEnv,
  });
  const db = createDb({ connectionString: pg.url });
  try {
    let out = "";
    server.stdout.on("data", (d: Buffer) => (out += d.toString()));
    server.stderr.on("data", (d: Buffer) => (out += d.toString()));
    let url = "";
    await waitUntil("the server", () => {
      if (server.exitCode !== null) throw new Error(`the server exited:\n${out}`);
      url = /Stratavore is running at (http:\/\/\S+)/.exec(out)?.[1] ?? "";
      return url !== "";
    });
    const token = await mintToken(db);
    if (dashboard) await (await fetch(`${url}/login`)).text();
    const pid = server.pid!;
    const rssIdle = rssOf(pid);
    let peak = rssIdle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    const run =
      via === "cli" ? () => cliImport(url, token, projects, tmp) : () => settingsImport(url, token, projects, db);
    const importMs = await run().finally(() => clearInterval(sampler));
    const againMs = await run();
    const agg = await db.usageRecord.aggregate({ _sum: { totalTokens: true }, _count: true });
    return {
      importMs,
      againMs,
      rssIdleMb: rssIdle / MB,
      rssPeakMb: peak / MB,
      dashboard,
      tokens: Number(agg._sum.totalTokens ?? 0n),
      rows: agg._count,
    };
  } finally {
    server.kill("SIGINT");
    await new Promise((r) => (server.exitCode !== null ? r(null) : server.once("exit", r)));
    await db.$disconnect();
    await pg.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

/** An API token of the first admin's, written as the server writes one. */
async function mintToken(db: Db): Promise<string> {
  const admin = await db.user.findFirstOrThrow({ where: { role: "admin" } });
  const { secret, prefix, hash } = generateApiTokenSecret();
  await insertApiToken(db, {
    userId: admin.id,
    name: "bench",
    scopes: ["read", "write"],
    prefix,
    tokenHash: hash,
    expiresAt: null,
    parentId: null,
  });
  return secret;
}

async function cliImport(url: string, token: string, projects: string, tmp: string): Promise<number> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI_OUTFILE, "import", "--dir", projects, "--json"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH,
      HOME: join(tmp, "home"),
      STRATAVORE_SERVER: url,
      STRATAVORE_TOKEN: token,
    } as unknown as NodeJS.ProcessEnv,
  });
  let err = "";
  child.stderr.on("data", (d: Buffer) => (err += d.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((r) => child.once("exit", r));
  if (code !== 0) throw new Error(`stratavore import exited with ${code}:\n${err}`);
  return performance.now() - t0;
}

/** Settings → Import history: the job runs in the background; it is done when it audits its end. */
async function settingsImport(url: string, token: string, projects: string, db: Db): Promise<number> {
  const finished = () => db.event.count({ where: { type: "import.finished" } });
  const before = await finished();
  const t0 = performance.now();
  await createApiClient({ serverUrl: url, token }).usage.importLocal.mutate({ dir: projects });
  await waitUntil("the import's end", async () => (await finished()) > before);
  return performance.now() - t0;
}
