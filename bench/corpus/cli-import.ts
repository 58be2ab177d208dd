/**
 * The import as a user runs it: `npm start`'s server — the bundle, on plain Node, in its own
 * process, with the dashboard when it is built — and `stratavore import` (the CLI bundle) in
 * another, on a fresh database. Times the first import and a repeat with nothing new, samples
 * the server process's RSS from /proc every 50 ms, and reads the ledger's totals.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDb, insertApiToken } from "@stratavore/db";
import { startTestPostgres } from "@stratavore/db/testing";
import { generateApiTokenSecret } from "../../libs/api/src/auth/api-token-secret.ts";
import { buildCli, CLI_OUTFILE } from "../../scripts/build-cli.ts";
import { buildServer, SERVER_BUNDLE, SERVER_ENV, SERVER_NODE_FLAGS } from "../../scripts/build-server.ts";

const root = join(import.meta.dirname, "../..");
const MB = 1_048_576;

export interface CliImportFigures {
  importMs: number;
  againMs: number;
  /** The server process after start-up (and one dashboard page), before the import. */
  rssIdleMb: number;
  rssPeakMb: number;
  dashboard: boolean;
  tokens: number;
  rows: number;
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;

export async function measureCliImport(projects: string): Promise<CliImportFigures> {
  await Promise.all([buildServer(), buildCli()]);
  const pg = await startTestPostgres(null, "bench_parse_cli");
  const tmp = await mkdtemp(join(tmpdir(), "stratavore-bench-cli-"));
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
    },
  });
  const db = createDb({ connectionString: pg.url });
  try {
    let out = "";
    server.stdout.on("data", (d: Buffer) => (out += d.toString()));
    server.stderr.on("data", (d: Buffer) => (out += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const poll = setInterval(() => {
        const m = /Stratavore is running at (http:\/\/\S+)/.exec(out);
        if (m) (clearInterval(poll), resolve(m[1]!));
        else if (server.exitCode !== null) (clearInterval(poll), reject(new Error(`the server exited:\n${out}`)));
      }, 100);
    });
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
    if (dashboard) await (await fetch(`${url}/login`)).text();
    const pid = server.pid!;
    const rssIdle = rssOf(pid);
    let peak = rssIdle;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 50);
    const cli = async () => {
      const t0 = performance.now();
      const child = spawn(process.execPath, [CLI_OUTFILE, "import", "--dir", projects, "--json"], {
        stdio: ["ignore", "pipe", "pipe"],
        env: { PATH: process.env.PATH, HOME: join(tmp, "home"), STRATAVORE_SERVER: url, STRATAVORE_TOKEN: secret },
      });
      let err = "";
      child.stderr.on("data", (d: Buffer) => (err += d.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((r) => child.once("exit", r));
      if (code !== 0) throw new Error(`stratavore import exited with ${code}:\n${err}`);
      return performance.now() - t0;
    };
    const importMs = await cli();
    clearInterval(sampler);
    const againMs = await cli();
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
