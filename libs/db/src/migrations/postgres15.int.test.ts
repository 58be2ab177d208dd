import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { freePort } from "../postgres/free-port.ts";
import { applyMigrations } from "./migrator.ts";

const BIN = "/usr/lib/postgresql/15/bin";
const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
const available = existsSync(join(BIN, "initdb")) && process.getuid?.() === 0;
const cleanups: (() => void)[] = [];
afterAll(() => cleanups.forEach((c) => c()));

// DATABASE_URL users may run an older major than the embedded 18; Debian's 15 is the one
// these machines carry. Without it (or without root to run it as `postgres`) this is skipped.
describe.skipIf(!available)("migrations on Debian's PostgreSQL 15 (external DATABASE_URL)", () => {
  it("apply cleanly and record themselves as prisma migrate deploy would", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stratavore-pg15-"));
    await chmod(dir, 0o777);
    const port = await freePort();
    const asPostgres = (cmd: string) => execFileSync("su", ["postgres", "-c", cmd], { stdio: "pipe" });
    asPostgres(`${BIN}/initdb --no-sync -D ${dir}/data -A trust -U postgres`);
    asPostgres(
      `${BIN}/pg_ctl -D ${dir}/data -o "-p ${port} -k ${dir} -c listen_addresses=127.0.0.1" -l ${dir}/log -w start`,
    );
    cleanups.push(() => {
      asPostgres(`${BIN}/pg_ctl -D ${dir}/data -m immediate stop`);
      void rm(dir, { recursive: true, force: true });
    });
    const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
    const applied = await applyMigrations(url, { prismaDir });
    expect(applied.length).toBeGreaterThan(0);
    expect(await applyMigrations(url, { prismaDir })).toEqual([]);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT migration_name, finished_at IS NOT NULL AS done FROM _prisma_migrations ORDER BY migration_name",
    );
    const version = await client.query("SHOW server_version");
    await client.end();
    expect(rows).toEqual(applied.map((migration_name) => ({ migration_name, done: true })));
    expect(String(version.rows[0].server_version)).toMatch(/^15\./);
  });
});
