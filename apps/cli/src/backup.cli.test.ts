import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, truncateSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { archiveEndedSessions, createCaller, hashPassword } from "@stratavore/api";
import { createDb, insertUser, startEmbeddedPostgres, type Db } from "@stratavore/db";
import { createScratchDatabase, freePortForTests, uniqueEmail, uniqueSlug } from "@stratavore/db/testing";
import { hostPath, readEnv, spawnAgent, startServer, waitFor, type AgentProcess } from "@stratavore/server/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { CliHarness, type Issued } from "./testing/cli-harness.ts";

/**
 * Backup and restore through the real interfaces: `stratavore admin backup` against a server
 * whose agent's runners are spending, `npm run restore`'s entry into an empty embedded data
 * directory and into an empty DATABASE_URL, then the restored database served again. Expected
 * figures come from the source database and from the archive read with the system's `tar`,
 * never from the restore code.
 */
const repoRoot = resolve(import.meta.dirname, "../../..");
let h: CliHarness;
let sourceUrl: string;
let admin: Issued;
let agent: AgentProcess;
let api: ReturnType<typeof createCaller>;

const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

interface Figures {
  usageRows: number;
  tokens: number;
  sessions: number;
  entries: number;
  users: number;
  events: number;
}

async function figures(db: Db): Promise<Figures> {
  const [u] = await db.$queryRaw<
    { n: bigint; t: bigint | null }[]
  >`SELECT count(*) AS n, sum("totalTokens") AS t FROM "UsageRecord"`;
  return {
    usageRows: Number(u!.n),
    tokens: Number(u!.t ?? 0),
    sessions: await db.session.count(),
    entries: await db.transcriptEntry.count(),
    users: await db.user.count(),
    events: await db.event.count(),
  };
}

/** Every file under a directory, by relative path, with its SHA-256. */
function treeChecksums(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(root, p)] = sha256(readFileSync(p));
    }
  };
  walk(root);
  return out;
}

/** The archive's own figures, read with the system's tar and a JSON parse per line. */
function archiveFigures(file: string, into: string): Figures & { usageSessionsKnown: boolean } {
  spawnSync("mkdir", ["-p", into]);
  const untar = spawnSync("tar", ["xzf", file, "-C", into]);
  expect(untar.status, untar.stderr.toString()).toBe(0);
  const rows = (table: string) => {
    const dir = join(into, "tables", table);
    return readdirSync(dir).flatMap((f) =>
      readFileSync(join(dir, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
  };
  const usage = rows("UsageRecord");
  const sessionIds = new Set(rows("Session").map((s) => s.id));
  return {
    usageRows: usage.length,
    tokens: usage.reduce((a, r) => a + Number(r.totalTokens), 0),
    sessions: sessionIds.size,
    entries: rows("TranscriptEntry").length,
    users: rows("User").length,
    events: rows("Event").length,
    // One snapshot: no usage row names a session the dump lacks.
    usageSessionsKnown: usage.every((r) => r.sessionId === null || sessionIds.has(r.sessionId)),
  };
}

function restore(file: string, env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(repoRoot, "apps/server/src/restore.ts"), file], {
    cwd: repoRoot,
    env: { PATH: hostPath(), HOME: h.tmp, NODE_ENV: "test", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  sourceUrl = await createScratchDatabase(inject("adminUrl"), "backup_src");
  h = await CliHarness.start(sourceUrl);
  admin = await h.issue("admin");
  const user = await insertUser(h.db, {
    email: uniqueEmail("backup-caller"),
    name: "backup caller",
    role: "admin",
    passwordHash: await hashPassword("backup-caller-password"),
  });
  api = createCaller({
    ...h.server.deps,
    principal: { user, via: "session", scopes: ["read", "write"] },
    ip: "127.0.0.1",
  });
  const { secret } = await api.joinTokens.create({ ttlMinutes: 10 });
  agent = await spawnAgent(h.server.url, secret, "backup-node", {
    home: join(h.tmp, "agent-home"),
    dataDir: join(h.tmp, "agent-data"),
    env: { FAKE_CLAUDE_USAGE_EVERY_MS: "100" },
  });
  await waitFor("node online", async () => (await api.nodes.list()).find((n) => n.connected));
}, 120_000);

afterAll(async () => {
  agent?.child.kill("SIGKILL");
  await h?.stop();
});

describe("stratavore admin backup and npm run restore", () => {
  it("backs up under load one consistent snapshot, restores it into an empty data directory, and a quiesced backup restores to the source's exact figures, transcripts included", async () => {
    const dir = await h.freshDir("backup");
    const checkout = join(dir, "checkout");
    await mkdir(checkout);
    const project = await api.projects.create({ name: uniqueSlug("backup"), path: checkout });
    const runners = [
      await api.runners.launch({ project: project.name }),
      await api.runners.launch({ project: project.name }),
      await api.runners.launch({ project: project.name }),
    ];
    await waitFor("runners spending", async () => (await figures(h.db)).usageRows >= 30, 30_000);

    // Non-admins get a coded refusal, and nothing is written.
    const operator = await h.issue("operator");
    expectFailure(await h.runAs(operator, ["admin", "backup", "-o", join(dir, "no.tar.gz")]), 4, "FORBIDDEN");
    const writeOnly = await h.issue("admin", ["write"]);
    expectFailure(await h.runAs(writeOnly, ["admin", "backup", "-o", join(dir, "no.tar.gz")]), 4, "TOKEN_SCOPE");
    // Nor a read-only one: the backup holds every password and token hash (the attacker review).
    const readOnly = await h.issue("admin", ["read"]);
    expectFailure(await h.runAs(readOnly, ["admin", "backup", "-o", join(dir, "no.tar.gz")]), 4, "TOKEN_SCOPE");

    // 1. Under load: the runners keep writing usage while the backup is taken.
    const underLoad = join(dir, "under-load.tar.gz");
    const before = (await figures(h.db)).usageRows;
    const taken = await h.jsonAs<{ file: string; bytes: number; sha256: string }>(admin, [
      "admin",
      "backup",
      "-o",
      underLoad,
    ]);
    expect(taken.sha256).toBe(sha256(readFileSync(underLoad)));
    expect(statSync(underLoad).mode & 0o777).toBe(0o600);
    await waitFor("still spending after the backup", async () => (await figures(h.db)).usageRows > before + 10);
    const loadFigures = archiveFigures(underLoad, join(dir, "x1"));
    expect(loadFigures.usageRows).toBeGreaterThanOrEqual(before);
    expect(loadFigures.usageSessionsKnown).toBe(true);
    expect(await h.db.event.count({ where: { type: "system.backup" } })).toBe(1);

    const dataDir = join(dir, "restored-embedded");
    const port = await freePortForTests();
    const r1 = restore(underLoad, { STRATAVORE_DATA_DIR: dataDir, STRATAVORE_PG_PORT: String(port) });
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/Restored .* into /);
    const pg = await startEmbeddedPostgres({
      dataDir: join(dataDir, "postgres"),
      port,
      password: (await readFile(join(dataDir, "postgres-password"), "utf8")).trim(),
      log: () => undefined,
    });
    const restoredDb = createDb({ connectionString: pg.urlFor("stratavore"), poolMax: 1 });
    try {
      const { usageSessionsKnown: _, ...expected } = loadFigures;
      expect(await figures(restoredDb)).toEqual(expected);
    } finally {
      await restoredDb.$disconnect();
      await pg.stop();
    }

    // A second restore into the now non-empty data directory is refused and changes nothing.
    const again = restore(underLoad, { STRATAVORE_DATA_DIR: dataDir, STRATAVORE_PG_PORT: String(port) });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/RESTORE_TARGET_NOT_EMPTY: The target database is not empty/);

    // 2. Quiesced: the runners end, their sessions get their store copies, then a backup.
    for (const r of runners) await api.runners.stop({ id: r.id });
    await waitFor("runners ended", async () =>
      (await Promise.all(runners.map((r) => api.runners.get({ id: r.id })))).every((r) =>
        ["terminated", "failed"].includes(r.status),
      ),
    );
    await waitFor("usage settled", async () => {
      const a = (await figures(h.db)).usageRows;
      await new Promise((r) => setTimeout(r, 1000));
      return (await figures(h.db)).usageRows === a;
    });
    await waitFor("transcripts in the store", async () => {
      await archiveEndedSessions(h.server.deps);
      return (await h.db.session.count({ where: { projectId: project.id, transcriptKey: null } })) === 0;
    });
    const quiet = join(dir, "quiet.tar.gz");
    const source = await figures(h.db);
    expect((await h.runAs(admin, ["admin", "backup", "-o", quiet])).code).toBe(0);
    // The backup's own audit event is written after its snapshot.
    expect(await figures(h.db)).toEqual({ ...source, events: source.events + 1 });
    const sourceStore = treeChecksums(join(h.tmp, "data", "transcripts"));
    expect(Object.keys(sourceStore).length).toBeGreaterThanOrEqual(3);

    // A damaged copy is refused before anything is touched.
    const damaged = join(dir, "damaged.tar.gz");
    copyFileSync(quiet, damaged);
    truncateSync(damaged, statSync(quiet).size - 100);
    const targetUrl = await createScratchDatabase(inject("adminUrl"), "backup_dst");
    const target = createDb({ connectionString: targetUrl, poolMax: 1 });
    const targetDir = join(dir, "restored-external");
    try {
      const bad = restore(damaged, { DATABASE_URL: targetUrl, STRATAVORE_DATA_DIR: targetDir });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/BACKUP_INVALID: This is not an intact Stratavore backup/);
      expect((await figures(target)).usageRows).toBe(0);
      // Into an embedded data directory: no directory made, no PostgreSQL started for it.
      const untouched = join(dir, "never-made");
      const badEmbedded = restore(damaged, {
        STRATAVORE_DATA_DIR: untouched,
        STRATAVORE_PG_PORT: String(await freePortForTests()),
      });
      expect(badEmbedded.code).toBe(1);
      expect(badEmbedded.stderr).toMatch(/BACKUP_INVALID/);
      expect(existsSync(untouched)).toBe(false);

      const r2 = restore(quiet, { DATABASE_URL: targetUrl, STRATAVORE_DATA_DIR: targetDir });
      expect(r2.code, r2.stderr).toBe(0);
      expect(await figures(target)).toEqual(source);
      expect(treeChecksums(join(targetDir, "transcripts"))).toEqual(sourceStore);

      // The restored database serves: the admin's API token works and sees the same ledger.
      const env = readEnv([], {
        DATABASE_URL: targetUrl,
        PORT: "0",
        STRATAVORE_DATA_DIR: targetDir,
        STRATAVORE_ADMIN_EMAIL: admin.email,
      });
      const served = await startServer(env, () => undefined, { web: false });
      try {
        const r = await h.run(["usage", "--json"], {
          env: { STRATAVORE_SERVER: served.url, STRATAVORE_TOKEN: admin.token },
        });
        expect(r.code, r.stderr).toBe(0);
        expect(JSON.stringify(JSON.parse(r.stdout))).toContain(`"totalTokens":${source.tokens}`);
      } finally {
        await served.close();
      }
    } finally {
      await target.$disconnect();
    }
  }, 300_000);
});
