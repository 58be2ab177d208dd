import pg from "pg";
import { AppError } from "@stratavore/contracts";
import { appliedMigrations, listTables, quoteIdent } from "./logical-dump.ts";

/**
 * Loads a logical dump (`dumpDatabase`) into a database whose schema is already at the dump's
 * migrations and which holds no rows. One transaction: a restore that fails part-way leaves
 * the database empty, never half-filled. Foreign keys are made deferrable for the load and
 * checked at the end, so tables and rows (a token minted by another token) may come in any
 * order; serial sequences are moved past the restored ids.
 */
export async function loadDatabase(
  connectionString: string,
  chunks: AsyncIterable<{ table: string; data: Buffer }>,
): Promise<Record<string, number>> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("BEGIN");
    const tables = await listTables(client);
    await refuseOccupied(client, tables);

    const { rows: keys } = await client.query<{ tbl: string; name: string }>(
      `SELECT c.relname AS tbl, con.conname AS name FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE con.contype = 'f' AND NOT con.condeferrable AND n.nspname = current_schema()`,
    );
    const alterKeys = async (mode: string) => {
      for (const k of keys)
        await client.query(`ALTER TABLE ${quoteIdent(k.tbl)} ALTER CONSTRAINT ${quoteIdent(k.name)} ${mode}`);
    };
    await alterKeys("DEFERRABLE INITIALLY DEFERRED");

    const columns = new Map<string, string>();
    for (const t of tables) {
      const { rows } = await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute
          WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
        [quoteIdent(t)],
      );
      columns.set(t, rows.map((r) => quoteIdent(r.name)).join(", "));
    }

    const loaded: Record<string, number> = {};
    for await (const chunk of chunks) {
      const cols = columns.get(chunk.table);
      if (!cols) throw new AppError("BACKUP_SCHEMA", `The backup has a table this schema lacks: ${chunk.table}.`);
      const lines = chunk.data.toString("utf8").split("\n").filter(Boolean);
      if (!lines.length) continue;
      const t = quoteIdent(chunk.table);
      const { rowCount } = await client.query(
        `INSERT INTO ${t} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${t}, $1::json)`,
        [`[${lines.join(",")}]`],
      );
      loaded[chunk.table] = (loaded[chunk.table] ?? 0) + (rowCount ?? 0);
    }

    // Checked here, retroactively, for every row loaded; then the keys are as the migrations made them.
    await client.query("SET CONSTRAINTS ALL IMMEDIATE");
    await alterKeys("NOT DEFERRABLE");

    const { rows: serials } = await client.query<{ tbl: string; col: string; seq: string }>(
      `SELECT c.relname AS tbl, a.attname AS col, pg_get_serial_sequence(quote_ident(c.relname), a.attname) AS seq
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
          AND pg_get_serial_sequence(quote_ident(c.relname), a.attname) IS NOT NULL`,
    );
    for (const s of serials)
      await client.query(
        `SELECT setval($1, COALESCE((SELECT max(${quoteIdent(s.col)}) FROM ${quoteIdent(s.tbl)}), 0) + 1, false)`,
        [s.seq],
      );
    await client.query("COMMIT");
    return loaded;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/** The migrations a database has applied; none when it was never migrated. */
export async function readAppliedMigrations(connectionString: string): Promise<string[]> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>(
      "SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists",
    );
    return rows[0]?.exists ? await appliedMigrations(client) : [];
  } finally {
    await client.end().catch(() => {});
  }
}

async function refuseOccupied(client: pg.ClientBase, tables: string[]): Promise<void> {
  const occupied = [];
  for (const t of tables) if ((await client.query(`SELECT 1 FROM ${quoteIdent(t)} LIMIT 1`)).rowCount) occupied.push(t);
  if (occupied.length)
    throw new AppError(
      "RESTORE_TARGET_NOT_EMPTY",
      `The target database is not empty (rows in ${occupied.join(", ")}): restore into a new data directory or an empty database.`,
    );
}

/** Refuses a database holding any row, before a restore changes anything in it (its schema included). */
export async function assertEmptyDatabase(connectionString: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await refuseOccupied(client, await listTables(client));
  } finally {
    await client.end().catch(() => {});
  }
}
