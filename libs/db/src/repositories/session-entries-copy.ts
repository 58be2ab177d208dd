import { once } from "node:events";
import { finished } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TranscriptEntryInput } from "@stratavore/contracts";
import { BinaryRows } from "./copy-binary-rows.ts";
import { APPEND_PART_SQL, appendPartParams, NEXT_ENTRIES_STAMP, withoutNul } from "./transcript-entries.ts";

const COLUMNS = `"sessionId", uuid, "parentUuid", type, role, text, "toolNames", "isSidechain", timestamp, file, "offset", "rawLine", "rawBytes", "rawParts", "rawPartsTotal"`;
/** A transaction's share of a long import: the staging table and the transaction stay bounded. */
const BYTES_PER_TRANSACTION = 64 * 1_048_576;
/** Sent to PostgreSQL in pieces this large: each piece is a socket write or two. */
const CHUNK_BYTES = 256 * 1024;

/**
 * The same archive write as `insertEntries` (idempotent per session and uuid, parts appended
 * in order) for bulk imports, streamed through COPY in its binary format: each line goes to
 * PostgreSQL the moment it is parsed — no bound parameters to serialise, no statement to
 * build, no batch of lines held while a statement runs (so the import's garbage dies young
 * instead of growing the heap) — into a per-connection temporary table, then in with one INSERT … SELECT … ON CONFLICT
 * DO NOTHING per transaction. Figures: docs/PERFORMANCE.md (bench/parse).
 */
export class EntryCopy {
  private stream: ReturnType<typeof copyFrom> | null = null;
  /** What went wrong on the connection or the COPY stream, PostgreSQL's words kept. */
  private failure: Error | null = null;
  private readonly onClientError = (err: Error) => (this.failure ??= err);
  private rows = new BinaryRows(CHUNK_BYTES);
  private bytes = 0;
  private parts: TranscriptEntryInput[] = [];
  private inserted = 0;
  /** Lines committed since the session's store-copy stamp was last moved. */
  private unstamped = false;

  private constructor(
    private readonly client: pg.PoolClient,
    private readonly sessionId: string,
    private readonly bytesPerTransaction: number,
  ) {
    // pg-pool drops its own listener while a client is checked out: an unheard 'error' (the
    // server restarting mid-import) would end the process.
    client.on("error", this.onClientError);
  }

  static async open(pool: pg.Pool, sessionId: string, bytesPerTransaction = BYTES_PER_TRANSACTION): Promise<EntryCopy> {
    const copy = new EntryCopy(await pool.connect(), sessionId, bytesPerTransaction);
    try {
      await copy.begin();
    } catch (err) {
      await copy.abort();
      throw err;
    }
    return copy;
  }

  async write(entries: readonly TranscriptEntryInput[]): Promise<void> {
    for (const e of entries) {
      // A line's later byte parts update its row: after the rows are in (counted, so many
      // long lines still commit every BYTES_PER_TRANSACTION).
      if (e.rawBytes && e.rawBytes.part > 0) {
        this.parts.push(e);
        this.bytes += e.rawBytes.base64.length;
      } else {
        const before = this.rows.size;
        encodeRow(this.rows, this.sessionId, e);
        this.bytes += this.rows.size - before;
      }
      if (this.rows.size >= CHUNK_BYTES) await this.send();
    }
    if (this.bytes >= this.bytesPerTransaction) {
      await this.commit(false);
      await this.begin();
    }
  }

  /** Commits what was written; returns the lines added (a line already archived is not). */
  async finish(): Promise<number> {
    try {
      await this.commit(true);
    } catch (err) {
      await this.abort();
      throw err;
    }
    this.release(false);
    return this.inserted;
  }

  /** Rolls back and closes the connection: after a broken COPY its protocol state is not worth trusting. */
  async abort(): Promise<void> {
    this.stream?.destroy();
    await this.client.query("ROLLBACK").catch(() => undefined);
    // What earlier transactions committed stays, so the store copy must see it (the sender is
    // gone; no finish will come). On a broken connection this fails: a later import stamps it.
    if (this.unstamped) await this.stamp().catch(() => undefined);
    this.unstamped = false;
    this.release(true);
  }

  /** Moves the session's store-copy stamp (archive-job.ts): it is due for a copy once quiet. */
  private async stamp(): Promise<void> {
    await this.client.query(`UPDATE "Session" SET "entriesAt" = ${NEXT_ENTRIES_STAMP} WHERE id = $1`, [this.sessionId]);
  }

  private release(destroy: boolean): void {
    this.client.off("error", this.onClientError);
    this.client.release(destroy);
  }

  private async begin(): Promise<void> {
    await this.client.query("BEGIN");
    await this.client.query(
      `CREATE TEMP TABLE IF NOT EXISTS stratavore_entry_batch (
         "sessionId" text, uuid text, "parentUuid" text, type text, role text, text text, "toolNames" text[],
         "isSidechain" boolean, timestamp timestamp(3), file text, "offset" int8, "rawLine" text, "rawBytes" bytea,
         "rawParts" int4, "rawPartsTotal" int4) ON COMMIT DELETE ROWS`,
    );
    const stream = this.client.query(
      copyFrom(`COPY stratavore_entry_batch (${COLUMNS}) FROM STDIN WITH (FORMAT binary)`),
    );
    // Kept for send() and commit(): writing on after a refused row would throw a TypeError
    // instead of PostgreSQL's message.
    stream.on("error", (err: Error) => (this.failure ??= err));
    this.stream = stream;
    this.bytes = 0;
    this.rows.header();
  }

  private async send(): Promise<void> {
    const stream = this.stream;
    if (this.failure) throw this.failure;
    if (!stream || !this.rows.size) return;
    if (!stream.write(this.rows.take())) await once(stream, "drain");
  }

  /**
   * `last`: the upload is whole, and the stamp moves with its last lines. Not on the way: a slow
   * upload of a long file would make the session due, and be copied again, between transactions.
   */
  private async commit(last: boolean): Promise<void> {
    this.rows.trailer();
    await this.send();
    const stream = this.stream;
    this.stream = null;
    if (stream) {
      stream.end();
      await finished(stream).catch((err: unknown) => {
        throw this.failure ?? err;
      });
    }
    // A line cut short when an earlier import read it (claude was still writing) was kept as
    // "malformed" at its offset; now that it is whole it takes that place, or it would be
    // exported twice (or, without a uuid of its own, lost behind the fragment).
    // Driven from the session's few malformed rows (none in a first import), not from the batch.
    await this.client.query(
      `DELETE FROM "TranscriptEntry" t
        WHERE t."sessionId" = $1 AND t.type = 'malformed'
          AND EXISTS (SELECT 1 FROM stratavore_entry_batch b WHERE b.file = t.file AND b."offset" = t."offset"
                         AND (b."rawLine", b."rawBytes") IS DISTINCT FROM (t."rawLine", t."rawBytes"))`,
      [this.sessionId],
    );
    const { rowCount } = await this.client.query(
      `INSERT INTO "TranscriptEntry" (${COLUMNS}) SELECT ${COLUMNS} FROM stratavore_entry_batch
       ON CONFLICT ("sessionId", uuid) DO NOTHING`,
    );
    this.inserted += rowCount ?? 0;
    for (const e of this.parts)
      if (e.rawBytes)
        await this.client.query(APPEND_PART_SQL, appendPartParams(this.sessionId, withoutNul(e), e.rawBytes));
    if (rowCount || this.parts.length) this.unstamped = true;
    const stamped = last && this.unstamped;
    if (stamped) await this.stamp();
    this.parts = [];
    await this.client.query("COMMIT");
    if (stamped) this.unstamped = false;
  }
}

/** All of `entries` in one go (an import sent over the API). */
export async function copyEntries(pool: pg.Pool, sessionId: string, entries: TranscriptEntryInput[]): Promise<number> {
  const copy = await EntryCopy.open(pool, sessionId);
  try {
    await copy.write(entries);
  } catch (err) {
    await copy.abort();
    throw err;
  }
  return copy.finish();
}

const FIELDS = COLUMNS.split(",").length;

/** One row, its fields in COLUMNS' order. */
function encodeRow(rows: BinaryRows, sessionId: string, given: TranscriptEntryInput): void {
  const e = withoutNul(given);
  rows
    .row(FIELDS)
    .text(sessionId)
    .text(e.uuid)
    .text(e.parentUuid)
    .text(e.type)
    .text(e.role)
    .text(e.text)
    .textArray(e.toolNames)
    .bool(e.isSidechain)
    .timestamp(e.timestamp ? Date.parse(e.timestamp) : null)
    .text(e.file)
    .int8(e.offset)
    .text(e.rawLine)
    .bytes(e.rawBytes ? Buffer.from(e.rawBytes.base64, "base64") : null)
    .int4(e.rawBytes ? 1 : 0)
    .int4(e.rawBytes?.parts ?? 0);
}
