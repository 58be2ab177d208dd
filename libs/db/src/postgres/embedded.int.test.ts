import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "./free-port.ts";
import { startEmbeddedPostgres, type RunningPostgres } from "./embedded.ts";
import { postmasterPid, processAlive } from "./stale-postmaster.ts";

/** Real PostgreSQL processes, killed and stopped for real (issue 14). */
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "stratavore-pgsup-"));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return join(dir, "data");
}

async function start(dir: string, logs: string[] = [], port?: number): Promise<RunningPostgres> {
  const pgServer = await startEmbeddedPostgres({
    dataDir: dir,
    port: port ?? (await freePort()),
    password: "test",
    log: (level, msg) => level !== "debug" && logs.push(`${level}: ${msg}`),
  });
  cleanups.push(() => pgServer.stop());
  return pgServer;
}

async function query(server: RunningPostgres): Promise<number> {
  const client = new pg.Client({ connectionString: server.urlFor("postgres"), connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return (await client.query<{ one: number }>("SELECT 1 AS one")).rows[0]!.one;
  } finally {
    await client.end();
  }
}

/** Polls until `check` holds (libs/db may not use the runner lib's helper). */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, everyMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The running postmaster's pid (a start always leaves one). */
const pidOf = async (dir: string) => (await postmasterPid(dir)) ?? 0;
const isAlive = (pid: number) => processAlive(pid) === true;

describe("the embedded PostgreSQL, supervised", () => {
  it("is restarted, and says so, when it is killed while serving", async () => {
    const dir = await dataDir();
    const logs: string[] = [];
    const server = await start(dir, logs);
    const first = await pidOf(dir);
    process.kill(first, "SIGKILL");
    await waitFor("restarted", async () => server.state() === "up" && (await pidOf(dir)) !== first, 30_000, 100);
    expect(await query(server)).toBe(1);
    expect(logs.some((l) => l.startsWith("error: embedded PostgreSQL died; restarting it"))).toBe(true);
    expect(logs).toContain("info: embedded PostgreSQL restarted");
  });

  it("stops a PostgreSQL an earlier server left running on the same directory (its kill -9), then starts", async () => {
    const dir = await dataDir();
    const port = await freePort();
    // An earlier server, as its own process, starts PostgreSQL and is killed with -9.
    const script = join(dir, "..", "earlier-server.mts");
    await writeFile(
      script,
      `import { startEmbeddedPostgres } from ${JSON.stringify(join(import.meta.dirname, "embedded.ts"))};
await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dir)}, port: ${port}, password: "test" });
process.stdout.write("ready\\n");
setInterval(() => {}, 1 << 30);`,
    );
    const earlier = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      earlier.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
      earlier.once("exit", (code) =>
        reject(new Error(`the earlier server exited (${code}) before PostgreSQL was ready`)),
      );
    });
    const orphanPid = await pidOf(dir);
    earlier.kill("SIGKILL");
    await new Promise((r) => earlier.once("exit", r));
    expect(isAlive(orphanPid)).toBe(true); // left behind, as in the report
    cleanups.push(async () => isAlive(orphanPid) && process.kill(orphanPid, "SIGKILL"));

    const logs: string[] = [];
    const server = await start(dir, logs, port);
    expect(isAlive(orphanPid)).toBe(false);
    expect(await query(server)).toBe(1);
    expect(logs).toContain("warn: stopping a PostgreSQL left running by an earlier server");
  });

  it("refuses a directory whose postmaster.pid names a live process that is not its PostgreSQL, naming both", async () => {
    const dir = await dataDir();
    const server = await start(dir);
    await server.stop();
    const sleeper = spawn("sleep", ["60"], { stdio: "ignore" });
    cleanups.push(async () => sleeper.kill("SIGKILL"));
    const pidFile = join(dir, "postmaster.pid");
    await writeFile(pidFile, `${sleeper.pid}\n${dir}\n`);
    await expect(start(dir)).rejects.toThrow(
      `The database directory ${dir} is held by process ${sleeper.pid} (sleep 60)`,
    );
  });

  it("a start that fails says why (the port is taken), instead of 'undefined'", async () => {
    const dir = await dataDir();
    const busy = await start(await dataDir());
    await expect(start(dir, [], busy.port)).rejects.toThrow(/PostgreSQL exited while starting .*(in use|could not)/i);
  });
});
