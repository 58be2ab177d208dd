import { z } from "zod";

export const uuidSchema = z.uuid();
export const isoDate = z.date();

/** Paging for list endpoints: a cursor is the last row's id. */
export const pageInput = z.object({
  limit: z.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});

export const okOutput = z.object({ ok: z.literal(true) });
