import { z } from "zod";

export const uuidSchema = z.uuid();
export const isoDate = z.date();

/**
 * A date a client may send: from 1970 to 9999. JavaScript dates reach year ±275,760, far past
 * what PostgreSQL's timestamp holds, so an unbounded one is a 500 waiting to happen.
 */
export const boundedDate = z.coerce
  // A string that is no date ("2026-99-99") was "expected date, received Date".
  .date({ error: "must be a date, such as 2026-12-02 or 2026-12-02T09:30:00Z" })
  .min(new Date("1970-01-01T00:00:00Z"), "must be in 1970 or later")
  .max(new Date("9999-12-31T23:59:59Z"), "must be before the year 10000");

/** What a PostgreSQL int4 column holds (pids, exit codes): a larger number is a 500 at the insert. */
export const int4 = z
  .number()
  .int()
  .min(-(2 ** 31))
  .max(2 ** 31 - 1);

/** What PostgreSQL's timestamp and every date of ours can hold: 1970 to 9999. */
export const TIMESTAMP_MIN_MS = Date.parse("1970-01-01T00:00:00Z");
export const TIMESTAMP_MAX_MS = Date.parse("9999-12-31T23:59:59.999Z");

/**
 * An ISO 8601 timestamp as a string (transcript times, kept as written), 1970 to 9999: a
 * valid "0000-01-01T00:00:00Z" would pass `datetime()` and fail in PostgreSQL as a 500 — and a
 * runner writing one into its transcript would hold its usage back from the ledger for good.
 */
export const boundedTimestamp = z
  .string()
  .max(40)
  .datetime({ offset: true })
  .refine((v) => {
    const ms = Date.parse(v);
    return ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS;
  }, "must be from 1970 to 9999");

/** Paging for list endpoints: a cursor is the last row's id. */
export const pageInput = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

/** Calls per batched tRPC request: the server refuses more, the clients' batch links send no more. */
export const TRPC_MAX_BATCH = 50;
/**
 * Longest batched GET URL the clients send: Node's HTTP server refuses request heads past
 * 16 KiB (431), and a page with dozens of budgets batches dozens of usage queries.
 */
export const TRPC_MAX_URL_LENGTH = 8_000;

/** The start of a uuid id (what the tables and the CLI show: its first 8 characters). */
export const idPrefixSchema = (noun: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[0-9a-f][0-9a-f-]{3,35}$/, `idPrefix is the start of a ${noun} id (4 to 36 of 0-9, a-f and -).`);

export const okOutput = z.object({ ok: z.literal(true) });
