import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { applyDatabaseCode } from "./database-code.ts";
import { openSchemaEngine } from "./schema-engine.ts";

export interface MigrationPaths {
  /** prisma/ folder holding schema.prisma and migrations/ */
  prismaDir: string;
}

export async function listMigrationDirs(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** Applies pending migrations exactly as `prisma migrate deploy` would; returns the names applied. */
export async function applyMigrations(
  connectionString: string,
  {
    prismaDir,
    upTo,
  }: MigrationPaths & {
    /** Stop after this migration (upgrade tests build an older schema first). */
    upTo?: string;
  },
): Promise<string[]> {
  const migrationsDir = join(prismaDir, "migrations");
  const schema = await readFile(join(prismaDir, "schema.prisma"), "utf8");
  const { engine, close } = await openSchemaEngine(schema, connectionString);
  try {
    const dirs = (await listMigrationDirs(migrationsDir)).filter((d) => !upTo || d <= upTo);
    const migrationDirectories = await Promise.all(
      dirs.map(async (dir) => ({
        path: dir,
        migrationFile: {
          path: "migration.sql",
          content: { tag: "ok" as const, value: await readFile(join(migrationsDir, dir, "migration.sql"), "utf8") },
        },
      })),
    );
    const lockPath = join(migrationsDir, "migration_lock.toml");
    const result = await engine.applyMigrations({
      migrationsList: {
        baseDir: migrationsDir,
        lockfile: { path: "migration_lock.toml", content: await readFile(lockPath, "utf8") },
        shadowDbInitScript: "",
        migrationDirectories,
      },
      filters: { externalTables: [], externalEnums: [] },
    });
    await applyDatabaseCode(connectionString, prismaDir);
    return result.appliedMigrationNames;
  } finally {
    await close();
  }
}

/**
 * SQL that turns the schema of the last migration (`from`, null = empty database) into `to`.
 * Empty string means they agree. Diffing schema against schema needs no live database.
 */
/**
 * null = empty database. Diffing from a live database or from the migrations folder fails in
 * the WASM engine on PostgreSQL ("Column type 'char' could not be deserialized"), so every
 * migration keeps the schema it was generated from and we diff schema against schema.
 */
export type DiffSource = { schema: string | null };

function toTarget(src: DiffSource) {
  if (src.schema === null) return { tag: "empty" as const };
  return { tag: "schemaDatamodel" as const, files: [{ path: "schema.prisma", content: src.schema }] };
}

/** The engine answers "-- This is an empty migration." when nothing differs. */
function stripEmpty(sql: string): string {
  const meaningful = sql.split("\n").filter((l) => l.trim() && !l.trim().startsWith("--"));
  return meaningful.length === 0 ? "" : sql;
}

export async function diffSchemas(connectionString: string, from: DiffSource, to: string): Promise<string> {
  const { engine, close } = await openSchemaEngine(to, connectionString);
  try {
    const result = await engine.diff({
      from: toTarget(from),
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: to }] },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return stripEmpty(result.stdout ?? "");
  } finally {
    await close();
  }
}
