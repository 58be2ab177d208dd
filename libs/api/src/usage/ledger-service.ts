import { mergeByKey } from "@stratavore/runner";
import { AppError, costOf, ROOMS, usageTotal, type UsageRecordInput } from "@stratavore/contracts";
import {
  findRunner,
  isRunnersSession,
  foreignLedgerRows,
  moveImportedCopiesHome,
  rekeyLedgerByMessageId,
  runnerTotals,
  upsertUsage,
  type LedgerRow,
} from "@stratavore/db";
import { evaluateBudgets } from "../budgets/enforcement.ts";
import { currentPriceBook } from "../pricing/price-book.ts";
import { repriceLedger } from "../pricing/pricing-service.ts";
import { checkedEvent } from "../realtime/bus.ts";
import { repairZeroSplitCacheWrites } from "./cache-write-repair.ts";
import { USAGE_CACHE } from "../cache/read-cache.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";

export interface Attribution {
  runnerId: string | null;
  projectId: string | null;
  nodeId: string | null;
}

/** Prices and writes one batch (one statement); returns the keys that were new or grew. */
export async function writeLedger(deps: ApiDeps, who: Attribution, records: UsageRecordInput[]): Promise<number> {
  const book = await currentPriceBook(deps.db);
  const rows: LedgerRow[] = mergeByKey(records).map((r) => ({
    ...r,
    ...who,
    totalTokens: usageTotal(r),
    ...costOf(book, r),
  }));
  const changed = new Set((await upsertUsage(deps.db, rows)).map((r) => r.key));
  // An import reading a session's own lines: responses a copy of them counted elsewhere come home.
  if (who.runnerId === null)
    for (const [sessionId, keys] of ownLinesBySession(rows))
      for (const key of await moveImportedCopiesHome(deps.db, { sessionId, projectId: who.projectId }, keys))
        changed.add(key);
  return changed.size;
}

/** The message ids of rows whose line names the session they are written for, by session. */
function ownLinesBySession(rows: LedgerRow[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const r of rows) {
    if (r.lineSessionId !== r.sessionId) continue;
    const keys = by.get(r.sessionId);
    if (keys) keys.push(r.messageId);
    else by.set(r.sessionId, [r.messageId]);
  }
  return by;
}

/**
 * An agent's usage batch for one of its runners: attribute, price, upsert, then — only when
 * something changed — re-evaluate the budgets it touches and schedule a live counter update.
 *
 * Ownership (DESIGN §3 rule 6): a node writes only for the session of a runner it runs, and
 * never grows a response another runner (or an import) already counted. A fork repeats its
 * parent's responses with the same totals, which changes nothing and is not reported; a record
 * for another session, or a larger total for a foreign response, is refused and audited.
 */
export async function ingestRunnerUsage(
  deps: ApiDeps,
  nodeId: string,
  runnerId: string,
  records: UsageRecordInput[],
): Promise<number> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.nodeId !== nodeId) throw new AppError("NOT_FOUND", "This node does not run that runner.");
  const merged = mergeByKey(records);
  const ownSession = merged.filter((r) => isRunnersSession(runner, r.sessionId));
  const foreign = await foreignLedgerRows(
    deps.db,
    ownSession.map((r) => r.messageId),
    runnerId,
  );
  const bends = ownSession.filter((r) => {
    const row = foreign.get(r.messageId);
    return row !== undefined && usageTotal(r) > row.totalTokens;
  });
  const otherSessions = merged.length - ownSession.length;
  if (otherSessions || bends.length) {
    deps.log("warn", "usage refused: not this runner's to write", {
      nodeId,
      runnerId,
      otherSessions,
      foreignResponses: bends.length,
    });
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(
        tx,
        deps.config.auditKey,
        { nodeId },
        {
          type: "usage.write_refused",
          entityType: "runner",
          entityId: runnerId,
          data: {
            otherSessions,
            foreignResponses: bends.length,
            messageIds: bends.slice(0, 20).map((r) => r.messageId),
          },
        },
      ),
    );
  }
  const changed = await writeLedger(
    deps,
    { runnerId, projectId: runner.projectId, nodeId },
    ownSession.filter((r) => !foreign.has(r.messageId)),
  );
  if (changed) {
    await evaluateBudgets(deps, [runner.projectId], [runnerId]);
    deps.fleet.usageChanged(runnerId, () => publishTotals(deps));
  }
  return changed;
}

/**
 * Startup: re-keys a ledger written before keys became message ids (saying what it collapsed),
 * and reprices rows priced under an older price table.
 */
export async function upgradeLedger(deps: ApiDeps): Promise<void> {
  const result = await inTransaction(deps.db, deps.bus, async (tx) => {
    const r = await rekeyLedgerByMessageId(tx);
    if (r.rekeyed || r.collapsed)
      await audit(tx, deps.config.auditKey, null, { type: "usage.rekeyed", entityType: "ledger", data: { ...r } });
    return r;
  });
  if (result.rekeyed || result.collapsed) deps.log("info", "ledger re-keyed by message id", { ...result });
  const repaired = await repairZeroSplitCacheWrites(deps);
  if (repaired?.changed) deps.log("info", "cache writes counted from archived lines", { ...repaired });
  const repriced = await repriceLedger(deps, null, { onlyStale: true });
  if (repriced.changed) deps.log("info", "ledger repriced with the shipped prices", { ...repriced });
}

async function publishTotals(deps: ApiDeps): Promise<void> {
  const ids = deps.fleet.takeUsageChanged();
  if (!ids.length) return;
  // Before the event: the reports its receivers refetch must include this spend.
  await deps.readCache?.invalidate(USAGE_CACHE);
  const items = await runnerTotals(deps.db, ids);
  if (items.length)
    deps.bus.publish([checkedEvent(ROOMS.fleet, "usage:update", { seq: deps.fleet.nextMetricsSeq(), items })]);
}
