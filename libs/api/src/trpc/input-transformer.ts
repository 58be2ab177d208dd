import type { CombinedDataTransformer } from "@trpc/server";
import superjson from "superjson";

/**
 * superjson both ways, except that an input's `meta.referentialEqualities` is dropped before it
 * is decoded. They let a sender say "this value is that object", so a few KB decode to a graph
 * of shared nodes that every walk over the input (the hygiene check, the schemas) visits once
 * per path: 18 levels of 4 keys — a 4 KB URL, no sign-in needed — would hold the event loop
 * for about an hour. superjson's own clients send each copy in full in `json` as well, so
 * dropping the equalities changes no honest input (two equal values instead of one shared).
 */
export const trpcTransformer: CombinedDataTransformer = {
  input: {
    serialize: (v: unknown) => superjson.serialize(v),
    deserialize: (v: unknown) => superjson.deserialize(withoutSharedReferences(v) as never),
  },
  output: {
    serialize: (v: unknown) => superjson.serialize(v),
    deserialize: (v: unknown) => superjson.deserialize(v as never),
  },
};

function withoutSharedReferences(wire: unknown): unknown {
  if (typeof wire !== "object" || wire === null || !("meta" in wire)) return wire;
  const meta = (wire as { meta?: unknown }).meta;
  if (typeof meta !== "object" || meta === null || !("referentialEqualities" in meta)) return wire;
  const { referentialEqualities: _dropped, ...rest } = meta as Record<string, unknown>;
  return { ...wire, meta: rest };
}
