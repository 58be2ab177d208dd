import superjson from "superjson";
import { describe, expect, it } from "vitest";
import { trpcTransformer } from "./input-transformer.ts";

describe("trpcTransformer", () => {
  it("decodes an input's declared shared references as the copies sent, never as one shared object", () => {
    // What an attacker sends: k1 null in `json`, declared to be the same object as k0.
    const wire = { json: { k0: { a: 1 }, k1: null }, meta: { referentialEqualities: { k0: ["k1"] } } };
    expect(superjson.deserialize(wire as never)).toEqual({ k0: { a: 1 }, k1: { a: 1 } }); // as declared
    expect(trpcTransformer.input.deserialize(wire)).toEqual({ k0: { a: 1 }, k1: null });
  });

  it("gives an honest client's input back unchanged, shared values as equal copies, dates and all", () => {
    const shared = { at: new Date("2026-12-02T00:00:00Z"), tags: new Set(["x"]) };
    const input = { a: shared, b: shared, n: 1n };
    // Through JSON text, as on the wire (in memory superjson's `json` itself shares the object).
    const wire: unknown = JSON.parse(JSON.stringify(superjson.serialize(input)));
    const decoded = trpcTransformer.input.deserialize(wire) as typeof input;
    expect(decoded).toEqual(input);
    expect(decoded.a).not.toBe(decoded.b);
    expect(decoded.b.at).toBeInstanceOf(Date);
  });

  it("leaves outputs to superjson as they are", () => {
    const out = { when: new Date(0) };
    expect(trpcTransformer.output.deserialize(trpcTransformer.output.serialize(out))).toEqual(out);
  });
});
