import { randomUUID } from "node:crypto";
import { deletePriceOverride, ledgerPage, replacePriceOverride, setLedgerPrices } from "@stratavore/db";
import type { z } from "zod";
import type { priceOverrideInput } from "@stratavore/contracts";
import type { Principal } from "../auth/principal.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import type { ApiDeps } from "../deps.ts";
import { AppError, canonicalModel, costOf, familyPriceNotice } from "@stratavore/contracts";
import { currentPriceBook, forgetPriceBook } from "./price-book.ts";
import { SHIPPED_PRICES } from "@stratavore/contracts";
import { USAGE_CACHE } from "../cache/read-cache.ts";

export async function priceBookView(deps: ApiDeps) {
  const book = await currentPriceBook(deps.db, 0);
  const shipped = new Map(SHIPPED_PRICES.map((p) => [p.modelPattern, JSON.stringify(p)]));
  return {
    version: book.version,
    prices: book.prices.map((p) => ({ ...p, overridden: shipped.get(p.modelPattern) !== JSON.stringify(p) })),
  };
}

/**
 * Admin override of one model's prices (USD per million tokens); effective for new usage and
 * `reprice`. The answer says when the override moves other ids' estimates too.
 */
export async function setPriceOverride(deps: ApiDeps, actor: Principal, p: z.infer<typeof priceOverrideInput>) {
  const before = await currentPriceBook(deps.db, 0);
  const id = canonicalModel(p.modelPattern);
  await inTransaction(deps.db, deps.bus, async (tx) => {
    await replacePriceOverride(tx, `override-${randomUUID()}`, p);
    await audit(tx, deps.config.auditKey, actor, {
      type: "price.overridden",
      entityType: "price",
      entityId: id,
      data: { ...p, modelPattern: id, typed: p.modelPattern },
    });
  });
  forgetPriceBook();
  const notice = familyPriceNotice(before, await currentPriceBook(deps.db, 0), id);
  return { ...(await priceBookView(deps)), notice };
}

export async function removePriceOverride(deps: ApiDeps, actor: Principal, modelPattern: string) {
  const before = await currentPriceBook(deps.db, 0);
  await inTransaction(deps.db, deps.bus, async (tx) => {
    // Nothing to remove is said, not reported as done (the CLI would print "Removed").
    if ((await deletePriceOverride(tx, modelPattern)) === 0)
      throw new AppError("NOT_FOUND", `No price was set by an admin for '${modelPattern}'.`);
    await audit(tx, deps.config.auditKey, actor, {
      type: "price.override_removed",
      entityType: "price",
      entityId: canonicalModel(modelPattern),
    });
  });
  forgetPriceBook();
  const notice = familyPriceNotice(before, await currentPriceBook(deps.db, 0), modelPattern);
  return { ...(await priceBookView(deps)), notice };
}

/**
 * Recomputes ledger rows' cost with the current prices, in pages of 5000 (one UPDATE each):
 * every row, or (`onlyStale`) those priced under another price version or not at all — what a
 * server start does after an upgrade changed the shipped table.
 */
export async function repriceLedger(deps: ApiDeps, actor: Principal | null, { onlyStale = false } = {}) {
  const book = await currentPriceBook(deps.db, 0);
  let after = 0n;
  let records = 0;
  let changed = 0;
  for (;;) {
    const page = await ledgerPage(deps.db, after, 5000, onlyStale ? book.version : undefined);
    const last = page.at(-1);
    if (!last) break;
    after = last.id;
    records += page.length;
    const priced = page.map((u) => ({
      id: u.id,
      old: u.costUsd === null ? null : Number(u.costUsd),
      wasEstimated: u.costEstimated,
      wasPricedAs: u.pricedAs,
      wasVersion: u.priceVersion,
      ...costOf(book, {
        model: u.model,
        speed: u.speed,
        inputTokens: Number(u.inputTokens),
        outputTokens: Number(u.outputTokens),
        cacheWrite5mTokens: Number(u.cacheWrite5mTokens),
        cacheWrite1hTokens: Number(u.cacheWrite1hTokens),
        cacheReadTokens: Number(u.cacheReadTokens),
        webSearchRequests: u.webSearchRequests,
      }),
    }));
    const diff = priced.filter(
      (p) =>
        (p.old === null ? p.costUsd !== null : p.costUsd === null || Math.abs(p.old - p.costUsd) > 1e-9) ||
        p.costEstimated !== p.wasEstimated ||
        p.pricedAs !== p.wasPricedAs,
    );
    changed += diff.length;
    // Rows whose cost a new table leaves as it was still take its version: otherwise every
    // start after a table change would read them all again as stale.
    const repriced = new Set(diff);
    const restamped = priced.filter((p) => p.priceVersion !== p.wasVersion && !repriced.has(p));
    await setLedgerPrices(deps.db, [...diff, ...restamped]);
  }
  if (changed) await deps.readCache?.invalidate(USAGE_CACHE);
  if (!onlyStale || changed)
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, actor, {
        type: "usage.repriced",
        entityType: "usage",
        data: { records, changed, version: book.version },
      }),
    );
  return { records, changed, version: book.version };
}
