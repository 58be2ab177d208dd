import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * A short hash of the shape a schema answers. Cached answers are keyed by it, so in a rolling
 * upgrade an instance never serves another version's answer of another shape (a report
 * without a field the new dashboard reads) from the shared cache.
 */
export function schemaFingerprint(schema: z.ZodType): string {
  const shape = z.toJSONSchema(schema, { unrepresentable: "any", io: "output" });
  return createHash("sha256").update(JSON.stringify(shape)).digest("hex").slice(0, 12);
}
