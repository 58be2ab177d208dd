import type pg from "pg";
import type { Tx } from "./tx.ts";

/** Runs SQL on the open batch transaction; pg-boss takes this shape for inserts. */
export interface BatchSql {
  executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * One dispatcher pass in one transaction on a raw connection: takes up to `limit` outbox rows
 * (oldest first, skipping rows another instance holds) and deletes them, then lets `work`
 * write what they become (jobs, in-app notifications) through the same transaction. Either
 * all of it commits, or the rows are back for the next pass: no event is lost or doubled.
 */
export async function withOutboxBatch<T>(
  /** The client's own pool (`poolOf(db)`): this transaction runs on a raw connection. */
  pool: pg.Pool,
  limit: number,
  work: (eventSeqs: number[], sql: BatchSql) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  // A checked-out pg client has no error listener (pg-pool removes its idle one): a database
  // that dies while we hold it would emit an unhandled 'error' and take the process down.
  let lost: Error | undefined;
  const onError = (err: Error) => (lost = err);
  client.on("error", onError);
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ eventSeq: string }>(
      `DELETE FROM "OutboxItem" WHERE id IN (
         SELECT id FROM "OutboxItem" ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
       ) RETURNING "eventSeq"`,
      [limit],
    );
    const seqs = rows.map((r) => Number(r.eventSeq)).sort((a, b) => a - b);
    const result = await work(seqs, { executeSql: (text, values) => client.query(text, values) });
    await client.query("COMMIT");
    return result;
  } catch (err) {
    if (!lost) await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.removeListener("error", onError);
    // A client that lost its connection is discarded, not returned to the pool.
    client.release(lost);
  }
}

export interface NewNotification {
  eventSeq: number;
  type: string;
  severity: string;
  title: string;
  link: string | null;
  /** Only administrators get it (it names accounts, or concerns what only they can see). */
  adminOnly: boolean;
  /** Only this user gets it (a runner waiting for the person who launched it); null: everyone. */
  userId: string | null;
}

/** One in-app notification per active user per event, or for its one user (a repeat is ignored); returns the rows made. */
export async function insertNotificationsForAll(
  sql: BatchSql,
  items: NewNotification[],
): Promise<{ id: string; userId: string; eventSeq: number; createdAt: Date }[]> {
  if (!items.length) return [];
  const { rows } = await sql.executeSql(
    `INSERT INTO "Notification" ("userId", "eventSeq", type, severity, title, link)
     SELECT u.id, n."eventSeq", n.type, n.severity, n.title, n.link
       FROM "User" u
       CROSS JOIN json_to_recordset($1::json)
         AS n("eventSeq" bigint, type text, severity text, title text, link text, "adminOnly" boolean, "userId" uuid)
      WHERE u."disabledAt" IS NULL AND (NOT n."adminOnly" OR u.role = 'admin') AND (n."userId" IS NULL OR u.id = n."userId"
           -- a launcher who cannot read it (disabled, deleted): everyone, as with no launcher
           OR NOT EXISTS (SELECT 1 FROM "User" l WHERE l.id = n."userId" AND l."disabledAt" IS NULL))
     ON CONFLICT ("userId", "eventSeq") DO NOTHING
     RETURNING id, "userId", "eventSeq", "createdAt"`,
    [JSON.stringify(items)],
  );
  return (rows as { id: string; userId: string; eventSeq: string; createdAt: Date }[]).map((r) => ({
    id: String(r.id),
    userId: r.userId,
    eventSeq: Number(r.eventSeq),
    createdAt: r.createdAt,
  }));
}

/** Rows waiting for the dispatcher, and how long the oldest has waited. */
export async function outboxDepth(db: Tx): Promise<{ depth: number; oldest: Date | null }> {
  const [row] = await db.$queryRaw<{ depth: bigint; oldest: Date | null }[]>`
    SELECT count(*) AS depth, min("createdAt") AS oldest FROM "OutboxItem"`;
  return { depth: Number(row?.depth ?? 0), oldest: row?.oldest ?? null };
}
