import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, inject, it } from "vitest";
import { diffSchemas, listMigrationDirs } from "./migrator.ts";
import { workerDatabase } from "../testing/worker-database.ts";

const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
const migrationsDir = join(prismaDir, "migrations");
const read = (...p: string[]) => readFile(join(...p), "utf8");
/** Hand-written SQL may follow the generated part after a `-- stratavore:custom` marker. */
const CUSTOM = "-- stratavore:custom";
const generatedPart = (sql: string) => (sql.includes(CUSTOM) ? sql.slice(0, sql.indexOf(CUSTOM)) : sql);
const normalise = (sql: string) => sql.replace(/\s+/g, " ").trim();

describe("migrations agree with schema.prisma", () => {
  it("schema.prisma has no change that is missing from prisma/migrations", async () => {
    const names = await listMigrationDirs(migrationsDir);
    const last = await read(migrationsDir, names.at(-1)!, "schema.prisma");
    const sql = await diffSchemas(
      workerDatabase(inject("databaseUrls")),
      { schema: last },
      await read(prismaDir, "schema.prisma"),
    );
    expect(sql, `schema.prisma changed without a migration; run: npm run db:diff -- <name>\n${sql}`).toBe("");
  });

  it("every migration.sql is exactly what the engine generates between consecutive schemas", async () => {
    const names = await listMigrationDirs(migrationsDir);
    expect(names.length).toBeGreaterThan(0);
    let previous: string | null = null;
    for (const name of names) {
      expect(name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      const schema = await read(migrationsDir, name, "schema.prisma");
      const expected = await diffSchemas(workerDatabase(inject("databaseUrls")), { schema: previous }, schema);
      expect(
        normalise(generatedPart(await read(migrationsDir, name, "migration.sql"))),
        `${name}/migration.sql was edited by hand above its custom marker`,
      ).toBe(normalise(expected));
      previous = schema;
    }
    expect(await read(migrationsDir, "migration_lock.toml")).toContain('provider = "postgresql"');
  });

  it("the migrated test database has every table of the schema", async () => {
    const pg = (await import("pg")).default;
    const client = new pg.Client({ connectionString: workerDatabase(inject("databaseUrls")) });
    await client.connect();
    const { rows } = await client.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    );
    await client.end();
    const tables = rows.map((r) => r.table_name);
    // A model's table is its name, or the name its @@map gives (tables laid out for a library).
    const models = [...(await read(prismaDir, "schema.prisma")).matchAll(/^model (\w+) \{([^}]*)\}/gm)].map(
      (m) => /@@map\("([^"]+)"\)/.exec(m[2] ?? "")?.[1] ?? m[1],
    );
    for (const model of models) expect(tables).toContain(model);
    expect(tables).toContain("_prisma_migrations");
  });
});
