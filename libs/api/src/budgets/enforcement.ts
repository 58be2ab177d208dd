import { AppError, percentUsed, ROOMS, usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import {
  budgetName,
  budgetPausedRunners,
  budgetsCovering,
  claimBudgetThreshold,
  countEventsSince,
  findBudgetRow,
  latestEventOf,
  reassignBudgetPause,
  runnerIdsInScope,
  type BudgetRow,
} from "@stratavore/db";
import { checkedEvent } from "../realtime/bus.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { setPaused, stopRunner } from "../runners/runner-lifecycle.ts";
import type { ApiDeps } from "../deps.ts";
import { pushAllowances } from "./policy/allowances.ts";
import { budgetView, scopeLabelOf } from "./policy/budget-view.ts";
import { allowancePauseReason } from "./pause-wording.ts";

/**
 * Re-evaluates the budgets an ingested batch touched (DESIGN §4): announce the new figures;
 * past the warn threshold notify once per period; at the limit apply the action — pause
 * (freeze the runners in scope) or terminate (stop them); block_launch bites at launch time.
 * Actions are re-applied on every evaluation, so a runner that slipped through is caught next.
 */
export async function evaluateBudgets(deps: ApiDeps, projectIds: string[], runnerIds: string[]): Promise<Budget[]> {
  const rows = await budgetsCovering(deps.db, projectIds, runnerIds);
  const views: Budget[] = [];
  for (const row of rows) {
    const view = await budgetView(deps.db, row, await scopeLabelOf(deps.db, row));
    views.push(view);
    // The action first: every moment before it lands is spend past the limit.
    if (view.state === "exceeded") await applyAction(deps, view);
    await recordThresholds(deps, row, view);
    await warnUnpriced(deps, view);
    deps.bus.publish([checkedEvent(ROOMS.fleet, "budget:update", { seq: deps.fleet.nextMetricsSeq(), budget: view })]);
  }
  // New usage changed what remains: every runner under a stopping budget gets its new share.
  if (rows.some((r) => r.action === "pause" || r.action === "terminate"))
    await pushAllowances(deps, projectIds, new Map(views.map((v) => [v.id, v])));
  return views;
}

const budgetLimit = (view: Budget) => (view.limitUsd !== null ? `$${view.limitUsd}` : `${view.limitTokens} tokens`);

async function applyAction(deps: ApiDeps, view: Budget): Promise<void> {
  if (view.action === "pause") {
    const cause = {
      reason: `paused by budget '${view.name}' (${percentUsed(view)} of ${budgetLimit(view)})`,
      budgetId: view.id,
    };
    // All at once: each pause waits for its node to confirm the freeze, and every runner still
    // running meanwhile keeps spending past the limit.
    await Promise.all(
      (await runnerIdsInScope(deps.db, view, ["running"])).map((id) =>
        setPaused(deps, null, id, true, cause).catch((err: unknown) => actionFailed(deps, view, id, err)),
      ),
    );
  } else if (view.action === "terminate") {
    const why = `stopped by budget '${view.name}' (${percentUsed(view)} of ${budgetLimit(view)})`;
    // Lost ones too: they may still spend on their node, and a stop there is killed when it returns.
    await Promise.all(
      (await runnerIdsInScope(deps.db, view, ["running", "paused", "starting", "lost"])).map((id) =>
        stopRunner(deps, null, id, "stop", why).catch((err: unknown) => actionFailed(deps, view, id, err)),
      ),
    );
  }
}

/**
 * A budget's pause or stop that did not happen (its node unreachable, the runner changed state
 * meanwhile) is said — a log line and a `budget.action_failed` event — never swallowed. The
 * next evaluation tries again; a runner that ended meanwhile needs nothing.
 */
async function actionFailed(deps: ApiDeps, view: Budget, runnerId: string, err: unknown): Promise<void> {
  if (err instanceof AppError && err.code === "INVALID_TRANSITION") return;
  const error = err instanceof AppError ? `${err.code}: ${err.message}` : String(err);
  deps.log("warn", `budget ${view.action} of a runner failed`, { budgetId: view.id, runnerId, error });
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(tx, deps.config.auditKey, null, {
      type: "budget.action_failed",
      entityType: "budget",
      entityId: view.id,
      data: { name: view.name, action: view.action, runnerId, error },
    }),
  ).catch(() => undefined);
}

/**
 * A USD budget over usage no price covers cannot be fully evaluated in dollars: said once per
 * period (an audit event and a log line), while the figures say it every time (unpricedTokens).
 */
async function warnUnpriced(deps: ApiDeps, view: Budget): Promise<void> {
  if (view.limitUsd === null || view.unpricedTokens <= 0) return;
  const said = await countEventsSince(deps.db, "budget.unpriced_usage", view.id, view.periodStart);
  if (said) return;
  deps.log("warn", "a USD budget covers usage of models with no price; it cannot be fully evaluated in dollars", {
    budgetId: view.id,
    unpricedTokens: view.unpricedTokens,
  });
  await inTransaction(deps.db, deps.bus, (tx) =>
    audit(tx, deps.config.auditKey, null, {
      type: "budget.unpriced_usage",
      entityType: "budget",
      entityId: view.id,
      data: { name: view.name, unpricedTokens: view.unpricedTokens },
    }),
  );
}

/**
 * "Once per period": the period start is remembered on the row when warned or tripped. Claimed
 * with a conditional update, so concurrent evaluations (20 runners' batches landing at once)
 * still audit each threshold once.
 */
async function recordThresholds(deps: ApiDeps, row: BudgetRow, view: Budget): Promise<void> {
  const start = view.periodStart;
  const wantWarn = view.state !== "ok" && row.warnedPeriod?.getTime() !== start.getTime();
  const wantTrip = view.state === "exceeded" && row.trippedPeriod?.getTime() !== start.getTime();
  if (!wantWarn && !wantTrip) return;
  await inTransaction(deps.db, deps.bus, async (tx) => {
    const warn = wantWarn && (await claimBudgetThreshold(tx, row.id, "warnedPeriod", start));
    const trip = wantTrip && (await claimBudgetThreshold(tx, row.id, "trippedPeriod", start));
    const data = {
      name: view.name,
      usedTokens: view.usedTokens,
      usedUsd: view.usedUsd,
      percent: Math.round(view.fraction * 100),
      // The dollars are a lower bound (usage with no price): announcements say "at least".
      ...(usdOnlyLowerBound(view) ? { lowerBound: true } : {}),
      action: view.action,
    };
    if (warn)
      await audit(tx, deps.config.auditKey, null, {
        type: "budget.warning",
        entityType: "budget",
        entityId: row.id,
        data,
      });
    if (trip)
      await audit(tx, deps.config.auditKey, null, {
        type: "budget.exceeded",
        entityType: "budget",
        entityId: row.id,
        data,
      });
  });
}

/**
 * Raising a budget's limit, disabling or deleting it, or a new period thaws the runners that
 * budget paused (DESIGN §4), with a `budget.released` event. Runners a person paused stay
 * paused, and so does one that another exceeded budget still holds.
 */
export function releaseBudgetPauses(deps: ApiDeps, onlyBudgetIds?: string[]): Promise<number> {
  // One release at a time in this process: a budget edit and a reconciler pass would otherwise
  // thaw the same runners in two halves.
  return deps.fleet.serially("budget-release", () => releasePauses(deps, onlyBudgetIds));
}

/** A deleted budget's name, from its deletion's audit event (null before names were logged). */
async function deletedBudgetName(deps: ApiDeps, budgetId: string): Promise<string | null> {
  const data = (await latestEventOf(deps.db, "budget", "budget.deleted", budgetId))?.data as { name?: unknown } | null;
  return typeof data?.name === "string" ? data.name : null;
}

async function releasePauses(deps: ApiDeps, onlyBudgetIds?: string[]): Promise<number> {
  const paused = await budgetPausedRunners(deps.db, onlyBudgetIds);
  const byBudget = new Map<string, string[]>();
  const projectOf = new Map(paused.map((r) => [r.id, r.projectId]));
  // A node that is not connected cannot thaw anything now; a later pass will.
  for (const r of paused) {
    if (r.pausedByBudgetId && r.nodeId && deps.fleet.agents.isConnected(r.nodeId))
      byBudget.set(r.pausedByBudgetId, [...(byBudget.get(r.pausedByBudgetId) ?? []), r.id]);
  }
  let released = 0;
  for (const [budgetId, runnerIds] of byBudget) {
    const row = await findBudgetRow(deps.db, budgetId);
    const view = row && row.enabled ? await budgetView(deps.db, row, await scopeLabelOf(deps.db, row)) : null;
    if (view && view.state === "exceeded" && view.action === "pause") continue;
    const why = !row
      ? "deleted"
      : !row.enabled
        ? "disabled"
        : view?.action !== "pause"
          ? "action changed"
          : "under its limit";
    const name = row?.name ?? (await deletedBudgetName(deps, budgetId));
    const thawCause = {
      reason: name ? `thawed: budget '${name}' ${why}` : "thawed: the budget that paused it was deleted",
      budgetId,
    };
    // Fresh shares before the thaw: a runner must never run on the allowance that froze it.
    await pushAllowances(deps, [...new Set(runnerIds.map((id) => projectOf.get(id) ?? ""))]);
    const thawed: string[] = [];
    await Promise.all(
      runnerIds.map(async (id) => {
        const err = await setPaused(deps, null, id, false, thawCause).then(
          () => null,
          (e: unknown) => e,
        );
        if (!err) thawed.push(id);
        // Another budget still holds it: that one owns the pause now (and its lifting thaws it).
        else if (
          err instanceof AppError &&
          err.code === "BUDGET_BLOCKED" &&
          typeof err.details?.budgetId === "string"
        ) {
          const holder = err.details.budgetId;
          const name = await budgetName(deps.db, holder);
          await reassignBudgetPause(deps.db, id, holder, name === null ? err.message : allowancePauseReason(name));
        }
      }),
    );
    if (thawed.length === 0) continue;
    released += thawed.length;
    await inTransaction(deps.db, deps.bus, (tx) =>
      audit(tx, deps.config.auditKey, null, {
        type: "budget.released",
        entityType: "budget",
        entityId: budgetId,
        // The name too: once the budget is deleted, announcements have nothing else to call it.
        data: { runners: thawed, why, ...(name ? { name } : {}) },
      }),
    );
  }
  return released;
}
