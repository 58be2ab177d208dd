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
 * What a change of the book (an admin's price set or removed for `modelPattern`) does beyond
 * that id (DESIGN §3 rule 4): when the row its family's unknown ids are estimated at differs
 * after it — a new newest id, the newest row repriced, or removed — every such id moves with
 * it, in new usage and, after a reprice, in the ledger. Null when the change prices only itself.
 */
export function familyPriceNotice(before: PriceBook, after: PriceBook, modelPattern: string): string | null {
  const family = familyOf(modelPattern)?.family;
  if (!family) return null;
  const was = indexOf(before).newest.get(family)?.price;
  const now = indexOf(after).newest.get(family)?.price;
  if (JSON.stringify(was ?? null) === JSON.stringify(now ?? null)) return null;
  const wasText = was ? `${was.modelPattern}'s price` : "no price";
  const tail = "in new usage and in the ledger once you reprice.";
  if (!now) return `Every ${family} id without a row of its own now has no price (it was ${wasText}), ${tail}`;
  if (was && canonicalModel(was.modelPattern) === canonicalModel(now.modelPattern))
    return `${now.modelPattern} is the newest ${family} price: every ${family} id without a row of its own is estimated at its new price, ${tail}`;
  return `${now.modelPattern} is now the newest ${family} price: every ${family} id without a row of its own (they were estimated at ${wasText}) is estimated at it, ${tail}`;
}

/** Cache prices from an input price, the way Anthropic sets them: writes 1.25× (5 m) and 2× (1 h), reads 0.1×. */
export const cachePricesFrom = (input: number) => ({
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input * 0.1,
});

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
