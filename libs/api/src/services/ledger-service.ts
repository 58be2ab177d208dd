import { mergeByKey } from "@stratavore/runner";
import { AppError, ROOMS, usageTotal, type UsageRecordInput } from "@stratavore/contracts";
import { findRunner, runnerTotals, upsertUsage, type LedgerRow } from "@stratavore/db";
import { evaluateBudgets } from "../budgets/enforcement.ts";
import { costOf } from "../pricing/cost.ts";
import { currentPriceBook } from "../pricing/price-book.ts";
import { checkedEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../trpc/context.ts";

export interface Attribution {
  runnerId: string | null;
  projectId: string | null;
  nodeId: string | null;
}

/** Prices and writes one batch (one statement); returns the keys that were new or grew. */
export async function writeLedger(deps: ApiDeps, who: Attribution, records: UsageRecordInput[]): Promise<number> {
  const book = await currentPriceBook(deps.db);
  const rows: LedgerRow[] = mergeByKey(records).map((r) => ({ ...r, ...who, totalTokens: usageTotal(r), ...costOf(book, r) }));
  return (await upsertUsage(deps.db, rows)).length;
}

/**
 * An agent's usage batch for one of its runners: attribute, price, upsert, then — only when
 * something changed — re-evaluate the budgets it touches and schedule a live counter update.
 */
export async function ingestRunnerUsage(deps: ApiDeps, nodeId: string, runnerId: string, records: UsageRecordInput[]): Promise<number> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.nodeId !== nodeId) throw new AppError("NOT_FOUND", "This node does not run that runner.");
  const changed = await writeLedger(deps, { runnerId, projectId: runner.projectId, nodeId }, records);
  if (changed) {
    await evaluateBudgets(deps, [runner.projectId], [runnerId]);
    deps.fleet.usageChanged(runnerId, () => publishTotals(deps));
  }
  return changed;
}

async function publishTotals(deps: ApiDeps): Promise<void> {
  const ids = deps.fleet.takeUsageChanged();
  if (!ids.length) return;
  const items = await runnerTotals(deps.db, ids);
  if (items.length) deps.bus.publish([checkedEvent(ROOMS.fleet, "usage:update", { seq: deps.fleet.nextMetricsSeq(), items })]);
}
