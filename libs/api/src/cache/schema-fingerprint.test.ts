import { z } from "zod";
import { describe, expect, it } from "vitest";
import { schemaFingerprint } from "./schema-fingerprint";

describe("schemaFingerprint", () => {
  it("is the same for the same shape and differs when a field is added, renamed or retyped", () => {
    const row = z.object({ tokens: z.number(), at: z.date() });
    const again = z.object({ tokens: z.number(), at: z.date() });
    const prints = [
      schemaFingerprint(row),
      schemaFingerprint(row.extend({ webSearchRequests: z.number() })),
      schemaFingerprint(z.object({ totalTokens: z.number(), at: z.date() })),
      schemaFingerprint(z.object({ tokens: z.string(), at: z.date() })),
    ];
    expect(schemaFingerprint(again)).toBe(prints[0]);
    expect(new Set(prints).size).toBe(4);
    expect(prints[0]).toMatch(/^[0-9a-f]{12}$/);
  });
});
