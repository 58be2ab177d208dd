import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";

/**
 * Database code the migrations cannot carry (triggers and their PL/pgSQL functions: the
 * migration engine splits a script at semicolons): `prisma/database-code/*.sql`, each
 * idempotent, run in one transaction after every migration run — once the tables and columns
 * they need exist (an upgrade test may stop at an older migration).
 */
export async function applyDatabaseCode(connectionString: string, prismaDir: string): Promise<void> {
  const dir = join(prismaDir, "database-code");
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".sql")).sort();
  if (files.length === 0) return;
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    // The rollup's newest column: the code writes it, so an older schema waits for its migration.
    const { rows } = await client.query<{ ready: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM information_schema.columns
                       WHERE table_schema = current_schema() AND table_name = 'UsageHourly'
                         AND column_name = 'webSearchRequests') AS ready`,
    );
    if (!rows[0]?.ready) return;
    await client.query("BEGIN");
    for (const f of files) await client.query(await readFile(join(dir, f), "utf8"));
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}
