import { AppError } from "@stratavore/contracts";
import { budgetName, runnerNodeAndStatus } from "@stratavore/db";
import { setPaused } from "../runners/runner-lifecycle.ts";
import type { ApiDeps } from "../deps.ts";
import { evaluateBudgets } from "./enforcement.ts";
import { allowancePauseReason } from "./pause-wording.ts";

/**
 * A node froze a runner past its allowance under a budget: records the pause as that budget's
 * and re-evaluates the budget's scope. True when the pause is recorded or moot (the runner is
 * paused already, ended, or not this node's); false while it cannot be recorded yet — the
 * runner is still `starting` here (its launch answer not yet processed) — so the agent retries.
 */
export async function recordAllowancePause(
  deps: ApiDeps,
  nodeId: string,
  s: { runnerId: string; budgetId: string; spentTokens: number; spentUsd: number },
): Promise<boolean> {
  const runner = await runnerNodeAndStatus(deps.db, s.runnerId);
  if (!runner || runner.nodeId !== nodeId) return true;
  if (runner.status === "starting") return false;
  if (runner.status !== "running") return true;
  const name = await budgetName(deps.db, s.budgetId);
  if (name === null) return true;
  const spent = s.spentUsd > 0 ? `$${s.spentUsd.toFixed(4)}, ${s.spentTokens} tokens` : `${s.spentTokens} tokens`;
  try {
    const paused = await setPaused(deps, { nodeId }, s.runnerId, true, {
      reason: allowancePauseReason(name, spent),
      budgetId: s.budgetId,
    });
    await evaluateBudgets(deps, [paused.projectId], [s.runnerId]);
    return true;
  } catch (err) {
    // It changed state meanwhile (paused by the budget itself, stopped): nothing left to record.
    if (err instanceof AppError && err.code === "INVALID_TRANSITION") return true;
    throw err;
  }
}
