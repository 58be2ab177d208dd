import { AppError, LAUNCH_BLOCKING_ACTIONS, usdAgainstLimit, type Budget } from "@stratavore/contracts";
import { budgetsCovering, type Tx } from "@stratavore/db";
import type { ApiDeps } from "../../deps.ts";
import { budgetView, scopeLabelOf } from "./budget-view.ts";

// The checks budgets impose before a runner may spend (DESIGN §4): a launch, a restart or an
// unpause under an exceeded biting budget is refused with a message naming it. Reads only;
// what budgets do to running runners is in ../enforcement.ts.

const BITING = new Set<string>(LAUNCH_BLOCKING_ACTIONS);

const count = (n: number | null) => (n ?? 0).toLocaleString("en-US");

export function usedOf(b: Budget): string {
  if (b.limitUsd === null) return `${count(b.usedTokens)} of ${count(b.limitTokens)} tokens`;
  const { used, limit } = usdAgainstLimit(b.usedUsd, b.limitUsd);
  return `${b.estimatedUsd > 0 ? "~" : ""}${used} of ${limit}`;
}

function describe(b: Budget): string {
  // Read by people, in the launch dialog and the CLI: grouped digits and a time, not an ISO stamp.
  const resets = `${b.periodEnd.toISOString().slice(0, 16).replace("T", " ")} UTC`;
  return `Budget '${b.name}' (${b.scopeLabel}, ${b.period}) has reached its limit: ${usedOf(b)}; it resets ${resets}.`;
}

/** Launch check, inside the launch transaction (same as the quota): an exceeded biting budget refuses. */
export async function assertLaunchAllowed(deps: ApiDeps, tx: Tx, projectId: string): Promise<void> {
  for (const row of await budgetsCovering(tx, [projectId], [])) {
    if (row.scope === "runner" || !BITING.has(row.action)) continue;
    const view = await budgetView(tx, row, await scopeLabelOf(tx, row));
    if (view.state === "exceeded") throw new AppError("BUDGET_BLOCKED", describe(view), { budgetId: row.id });
  }
}

/** A runner paused by a budget stays paused until the limit is raised or the period rolls over. */
export async function assertUnpauseAllowed(deps: ApiDeps, runner: { id: string; projectId: string }): Promise<void> {
  for (const row of await budgetsCovering(deps.db, [runner.projectId], [runner.id])) {
    if (row.action !== "pause") continue;
    const view = await budgetView(deps.db, row, await scopeLabelOf(deps.db, row));
    if (view.state === "exceeded") throw new AppError("BUDGET_BLOCKED", describe(view), { budgetId: row.id });
  }
}
