import pg from "pg";

/** Part of one table's rows: JSON lines (`row_to_json`), at most about `chunkBytes` long. */
export interface TableChunk {
  table: string;
  part: number;
  rows: number;
  data: Buffer;
}

export interface DumpHeader {
  /** Migrations applied to the database dumped: a restore rebuilds exactly this schema first. */
  migrations: string[];
  tables: string[];
}

/**
 * Not part of a backup: the ledger's hourly rollup (rebuilt by its triggers as the ledger is
 * loaded) and what only a running deployment holds (its instances, their Socket.IO messages,
 * login counters).
 */
const NOT_BACKED_UP = ["_prisma_migrations", "UsageHourly", "ServerInstance", "socket_io_attachments", "rate_limits"];

/** Ordinary tables of the current schema; Prisma's migration ledger is described by the header instead. */
export async function listTables(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> ALL($1::text[])
      ORDER BY c.relname`,
    [NOT_BACKED_UP],
  );
  return rows.map((r) => r.name);
}

export async function appliedMigrations(client: pg.ClientBase): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT migration_name AS name FROM _prisma_migrations
      WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY migration_name`,
  );
  return rows.map((r) => r.name);
}

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A logical dump of every table, read in one REPEATABLE READ snapshot so a backup taken while
 * runners spend is consistent across tables (a usage row never points at a session the dump
 * lacks). Rows are JSON (`row_to_json`), which every PostgreSQL version writes and reads back
 * the same way: the embedded server ships no `pg_dump`, and a `pg_dump` from the OS would have
 * to match the server's major version. Rows stream through a cursor; memory holds one chunk.
 */
export async function* dumpDatabase(
  connectionString: string,
  { chunkBytes = 8 * 1024 * 1024, fetchRows = 2000 } = {},
): AsyncGenerator<DumpHeader | TableChunk> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const tables = await listTables(client);
    yield { migrations: await appliedMigrations(client), tables };
    for (const table of tables) {
      await client.query(
        `DECLARE dump NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS j FROM ${quoteIdent(table)} t`,
      );
      let part = 0;
      let lines: string[] = [];
      let bytes = 0;
      const emit = (): TableChunk => {
        const chunk = { table, part: part++, rows: lines.length, data: Buffer.from(lines.join("")) };
        lines = [];
        bytes = 0;
        return chunk;
      };
      for (;;) {
        const { rows } = await client.query<{ j: string }>(`FETCH ${fetchRows} FROM dump`);
        for (const { j } of rows) {
          const line = `${j}\n`;
          lines.push(line);
          bytes += Buffer.byteLength(line);
          if (bytes >= chunkBytes) yield emit();
        }
        if (rows.length < fetchRows) break;
      }
      if (lines.length || part === 0) yield emit();
      await client.query("CLOSE dump");
    }
    await client.query("COMMIT");
  } finally {
    await client.end().catch(() => {});
  }
}
