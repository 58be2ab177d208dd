import type { ApiDeps } from "../deps.ts";
import { evaluateBudgets } from "../budgets/enforcement.ts";
import { adoptReported, type Reported } from "../runners/runner-presence.ts";

/**
 * What a node reports, squared with the database (runners/runner-presence.ts); then budgets
 * judge the runners that came back — they could not reach them while they were away, so a
 * limit crossed meanwhile bites now. Returns the strays the caller kills.
 */
export async function adoptAndJudge(deps: ApiDeps, nodeId: string, reported: Reported[]): Promise<string[]> {
  const { adopted, strays, projects } = await adoptReported(deps, nodeId, reported);
  if (adopted.length) await evaluateBudgets(deps, projects, adopted);
  return strays;
}
