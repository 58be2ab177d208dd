import { AppError, ROOMS, type Budget } from "@stratavore/contracts";
import { checkedEvent } from "../realtime/bus.ts";
import {
  deleteBudgetRow,
  findBudgetRow,
  findProject,
  findRunner,
  insertBudget,
  listBudgetRows,
  updateBudgetRow,
  type Tx,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import type { ApiDeps } from "../deps.ts";
import { budgetView, scopeLabelOf } from "./policy/budget-view.ts";
import { pushAllowancesEverywhere } from "./policy/allowances.ts";
import { releaseBudgetPauses } from "./enforcement.ts";

async function resolveScope(
  db: Tx,
  scope: "global" | "project" | "runner",
  ref: string | undefined,
): Promise<string | null> {
  if (scope === "global") return null;
  if (scope === "project") {
    const p = await findProject(db, ref ?? "");
    if (!p) throw new AppError("NOT_FOUND", `No project '${ref}'.`);
    return p.id;
  }
  const r = await findRunner(db, ref ?? "").catch(() => null);
  if (!r) throw new AppError("NOT_FOUND", `No runner '${ref}'.`);
  return r.id;
}

export async function listBudgets(deps: ApiDeps): Promise<Budget[]> {
  const rows = await listBudgetRows(deps.db);
  return Promise.all(rows.map(async (r) => budgetView(deps.db, r, await scopeLabelOf(deps.db, r))));
}

export async function getBudget(deps: ApiDeps, id: string): Promise<Budget> {
  const row = await findBudgetRow(deps.db, id);
  if (!row) throw new AppError("NOT_FOUND", "No such budget.");
  return budgetView(deps.db, row, await scopeLabelOf(deps.db, row));
}

/** Other dashboards learn of a written budget at once (the evaluation path announces usage changes). */
function announce(deps: ApiDeps, budget: Budget): Budget {
  deps.bus.publish([checkedEvent(ROOMS.fleet, "budget:update", { seq: deps.fleet.nextMetricsSeq(), budget })]);
  return budget;
}

export async function createBudget(
  deps: ApiDeps,
  actor: Principal,
  input: {
    name: string;
    scope: "global" | "project" | "runner";
    scopeRef?: string;
    period: Budget["period"];
    limitTokens?: number | null;
    limitUsd?: number | null;
    warnPercent: number;
    action: "notify" | "block_launch" | "pause" | "terminate";
  },
): Promise<Budget> {
  const scopeId = await resolveScope(deps.db, input.scope, input.scopeRef);
  const row = await inTransaction(deps.db, deps.bus, async (tx) => {
    const created = await insertBudget(tx, {
      name: input.name,
      scope: input.scope,
      scopeId,
      period: input.period,
      warnPercent: input.warnPercent,
      action: input.action,
      limitTokens: input.limitTokens == null ? null : BigInt(input.limitTokens),
      limitUsd: input.limitUsd ?? null,
      createdById: actor.user.id,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "budget.created",
      entityType: "budget",
      entityId: created.id,
      data: { name: input.name, scope: input.scope, action: input.action },
    });
    return created;
  });
  await pushAllowancesEverywhere(deps);
  return announce(deps, await budgetView(deps.db, row, await scopeLabelOf(deps.db, row)));
}

export async function updateBudget(
  deps: ApiDeps,
  actor: Principal,
  input: {
    id: string;
    name?: string;
    limitTokens?: number | null;
    limitUsd?: number | null;
    warnPercent?: number;
    action?: "notify" | "block_launch" | "pause" | "terminate";
    enabled?: boolean;
  },
): Promise<Budget> {
  const { id, limitTokens, ...rest } = input;
  const current = await findBudgetRow(deps.db, id);
  if (!current) throw new AppError("NOT_FOUND", "No such budget.");
  const nextTokens =
    limitTokens === undefined ? current.limitTokens : limitTokens === null ? null : BigInt(limitTokens);
  const nextUsd = input.limitUsd === undefined ? current.limitUsd : input.limitUsd;
  if (nextTokens === null && nextUsd === null)
    throw new AppError("VALIDATION", "A budget needs a token limit, a USD limit, or both.");
  const row = await inTransaction(deps.db, deps.bus, async (tx) => {
    // A changed limit re-arms the warning and the action for the current period.
    const updated = await updateBudgetRow(tx, id, {
      ...rest,
      limitTokens: nextTokens,
      warnedPeriod: null,
      trippedPeriod: null,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "budget.updated",
      entityType: "budget",
      entityId: id,
      data: { changed: Object.keys(input).filter((k) => k !== "id") },
    });
    return updated;
  });
  // A raised limit (or a disabled budget) lets go of the runners it paused, at once.
  await releaseBudgetPauses(deps, [id]);
  await pushAllowancesEverywhere(deps);
  return announce(deps, await budgetView(deps.db, row, await scopeLabelOf(deps.db, row)));
}

export async function deleteBudget(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    const row = await findBudgetRow(tx, id);
    if (!row) throw new AppError("NOT_FOUND", "No such budget.");
    await deleteBudgetRow(tx, id);
    // The name stays in the log: the runners it paused say whose deletion thawed them.
    await audit(tx, deps.config.auditKey, actor, {
      type: "budget.deleted",
      entityType: "budget",
      entityId: id,
      data: { name: row.name },
    });
  });
  await releaseBudgetPauses(deps, [id]);
  await pushAllowancesEverywhere(deps);
}
