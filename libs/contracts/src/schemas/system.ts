import { z } from "zod";

export const healthOutput = z.object({ ok: z.boolean(), version: z.string(), database: z.boolean() });
