/**
 * `npm run db:diff -- <name>`: writes the next migration from the difference between the
 * schema copy stored with the last migration and prisma/schema.prisma (offline, WASM engine).
 * `npm run db:diff -- --check` exits 1 when they differ.
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { diffSchemas, listMigrationDirs } from "../libs/db/src/migrations/migrator.ts";
import { startTestPostgres } from "../libs/db/src/testing/test-postgres.ts";

const prismaDir = join(import.meta.dirname, "..", "prisma");
const migrationsDir = join(prismaDir, "migrations");
const arg = process.argv[2] ?? "";
const schema = await readFile(join(prismaDir, "schema.prisma"), "utf8");
const dirs = await listMigrationDirs(migrationsDir);
const last = dirs.at(-1);
const previous = last ? await readFile(join(migrationsDir, last, "schema.prisma"), "utf8") : null;
// The engine insists on a live connection even for a schema-to-schema diff: use a scratch one.
const scratch = await startTestPostgres(null, "diff");
const sql = await diffSchemas(scratch.url, { schema: previous }, schema).finally(() => scratch.stop());

if (arg === "--check") {
  if (sql) {
    console.error("schema.prisma differs from the last migration; run npm run db:diff -- <name>\n" + sql);
    process.exit(1);
  }
  console.log("migrations are up to date");
} else if (!sql) {
  console.log("no changes");
} else {
  if (!/^[a-z0-9_]+$/.test(arg)) throw new Error("usage: npm run db:diff -- <snake_case_name>");
  const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${arg}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "migration.sql"), sql);
  await copyFile(join(prismaDir, "schema.prisma"), join(dir, "schema.prisma"));
  await writeFile(join(migrationsDir, "migration_lock.toml"), 'provider = "postgresql"\n');
  console.log(`wrote ${dir}`);
}
