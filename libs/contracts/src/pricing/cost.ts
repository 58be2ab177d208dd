import type { UsageRecordInput } from "../schemas/usage.ts";
import { WEB_SEARCH_USD, type ModelFamily, type ModelPrice } from "./shipped-prices.ts";

export interface PriceBook {
  version: string;
  prices: ModelPrice[];
}

export interface Cost {
  costUsd: number | null;
  priceVersion: string | null;
  unpriced: boolean;
  /** Priced at its family's newest known price because the table lacks the exact id. */
  costEstimated: boolean;
  /** The table row the cost came from (differs from the model when estimated). */
  pricedAs: string | null;
}

export interface PriceMatch {
  price: ModelPrice;
  estimated: boolean;
}

/**
 * The id a price row is looked up by: provider wrappers (Bedrock's `anthropic.…-v1:0`,
 * Vertex's `…@20250929`), `-latest` and the snapshot date come off — a dated id is the same
 * model as its undated row. Nothing is cut further: no prefix matching.
 */
export function canonicalModel(model: string): string {
  return model
    .trim()
    .toLowerCase()
    .replace(/^(?:[a-z]{2,6}\.)?anthropic[./]/, "")
    .replace(/-v\d+(?::\d+)?$/, "")
    .replace(/\[1m\]$/, "")
    .replace("@", "-")
    .replace(/-latest$/, "")
    .replace(/-\d{8}$/, "");
}

/** Family and version of a Claude id, old style (`claude-3-5-haiku`) or new (`claude-opus-4-5`). */
export function familyOf(model: string): { family: ModelFamily; version: number } | null {
  const id = canonicalModel(model);
  const modern = /^claude-(opus|sonnet|haiku)(?:-(\d{1,2}))?(?:-(\d{1,2}))?(?:-|$)/.exec(id);
  if (modern)
    return { family: modern[1] as ModelFamily, version: Number(modern[2] ?? 0) * 100 + Number(modern[3] ?? 0) };
  const legacy = /^claude-(\d{1,2})(?:-(\d{1,2}))?-(opus|sonnet|haiku)(?:-|$)/.exec(id);
  if (legacy) return { family: legacy[3] as ModelFamily, version: Number(legacy[1]) * 100 + Number(legacy[2] ?? 0) };
  return null;
}

interface Index {
  exact: Map<string, ModelPrice>;
  newest: Map<ModelFamily, { price: ModelPrice; version: number }>;
}
const indexes = new WeakMap<PriceBook, Index>();

function indexOf(book: PriceBook): Index {
  let index = indexes.get(book);
  if (index) return index;
  index = { exact: new Map(), newest: new Map() };
  for (const p of book.prices) {
    index.exact.set(canonicalModel(p.modelPattern), p);
    const f = familyOf(p.modelPattern);
    if (f && (index.newest.get(f.family)?.version ?? -1) < f.version)
      index.newest.set(f.family, { price: p, version: f.version });
  }
  indexes.set(book, index);
  return index;
}

/** The exact row for a model, else its family's newest row (estimated), else null (unpriced). */
export function findPrice(book: PriceBook, model: string): PriceMatch | null {
  const index = indexOf(book);
  const exact = index.exact.get(canonicalModel(model));
  if (exact) return { price: exact, estimated: false };
  const family = familyOf(model);
  const newest = family ? index.newest.get(family.family) : undefined;
  return newest ? { price: newest.price, estimated: true } : null;
}

/**
 * What pricing a new id changes beyond that id (DESIGN §3 rule 4): when the book lacked it
 * and it is newer than its family's newest row, every id of the family without a row of its
 * own is estimated at it from then on. Null when it prices only itself.
 */
export function newFamilyPriceNotice(before: PriceBook, modelPattern: string): string | null {
  const id = canonicalModel(modelPattern);
  if (indexOf(before).exact.has(id)) return null;
  const family = familyOf(id);
  if (!family) return null;
  const newest = indexOf(before).newest.get(family.family);
  if (newest && newest.version >= family.version) return null;
  const was = newest ? `were estimated at ${newest.price.modelPattern}'s price` : "had no price";
  return `${modelPattern} is now the newest ${family.family} price: every ${family.family} id without a row of its own (they ${was}) is estimated at it, in new usage and in the ledger once you reprice.`;
}

type Tokens = Pick<
  UsageRecordInput,
  "model" | "speed" | "inputTokens" | "outputTokens" | "cacheWrite5mTokens" | "cacheWrite1hTokens" | "cacheReadTokens"
> &
  Partial<Pick<UsageRecordInput, "webSearchRequests">>;

/**
 * Each token type × its own price; long-context tier per request; fast mode multiplies the
 * tokens; web searches at their own flat price. An unpriced model stays null as a whole.
 */
export function costOf(book: PriceBook, r: Tokens): Cost {
  const match = findPrice(book, r.model);
  if (!match) return { costUsd: null, priceVersion: null, unpriced: true, costEstimated: false, pricedAs: null };
  const { price } = match;
  const inputSide = r.inputTokens + r.cacheWrite5mTokens + r.cacheWrite1hTokens + r.cacheReadTokens;
  const long = price.longContextThreshold !== undefined && inputSide > price.longContextThreshold;
  const inMul = long ? (price.longContextInputMultiplier ?? 1) : 1;
  const outMul = long ? (price.longContextOutputMultiplier ?? 1) : 1;
  const fast = r.speed === "fast" ? (price.fastModeMultiplier ?? 1) : 1;
  const perM =
    r.inputTokens * price.input * inMul +
    r.cacheWrite5mTokens * price.cacheWrite5m * inMul +
    r.cacheWrite1hTokens * price.cacheWrite1h * inMul +
    r.cacheReadTokens * price.cacheRead * inMul +
    r.outputTokens * price.output * outMul;
  return {
    costUsd: (perM * fast) / 1_000_000 + (r.webSearchRequests ?? 0) * WEB_SEARCH_USD,
    priceVersion: book.version,
    unpriced: false,
    costEstimated: match.estimated,
    pricedAs: price.modelPattern,
  };
}
