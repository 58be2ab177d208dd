import type { Allowance, AllowancesCommand, Budget } from "@stratavore/contracts";
import { budgetsCovering, projectsWithLiveRunners, spendingRunners, spendSinceStart } from "@stratavore/db";
import { currentPriceBook } from "../../pricing/price-book.ts";
import type { ApiDeps } from "../../deps.ts";
import { budgetView, scopeLabelOf } from "./budget-view.ts";

/** Budgets whose action stops spending; the others only tell or refuse launches. */
const STOPPING = new Set(["pause", "terminate"]);

type SpendingRunner = { id: string; projectId: string; nodeId: string | null };

/**
 * Pre-emptive budgets (DESIGN §4): every running runner under a pausing or terminating budget
 * gets, from its node, an allowance per budget — an equal share of what remains in it among
 * the runners it covers that spend (`spendingRunners` in libs/db: running, starting — a launch
 * carries its share, so a burst cannot hand the same remainder out twenty times — and paused
 * by a budget, to thaw with a fresh one). The agent freezes a runner the moment its
 * transcript shows the allowance spent, so the overshoot is at most the response in flight.
 * Sent for the runners of `projectIds` (all running runners when a global budget is involved);
 * recomputed whenever their usage lands, a budget changes, or one of them starts.
 */
export async function pushAllowances(
  deps: ApiDeps,
  projectIds: string[],
  viewed: ReadonlyMap<string, Budget> = new Map(),
): Promise<void> {
  const { runners, budgets } = await spendersUnder(deps, projectIds);
  if (runners.length === 0) return;
  const items = await allowancesFor(deps, runners, budgets, viewed);
  const prices = await pricesForAgents(deps);
  const byNode = new Map<string, string[]>();
  for (const r of runners) if (r.nodeId) byNode.set(r.nodeId, [...(byNode.get(r.nodeId) ?? []), r.id]);
  for (const [nodeId, ids] of byNode) {
    const mine = new Set(ids);
    deps.fleet.agents.allowances(nodeId, { runnerIds: ids, items: items.filter((a) => mine.has(a.runnerId)), prices });
  }
}

/**
 * What a runner about to start may spend, sent in its launch command: the agent watches it from
 * the first transcript line, whatever the server's load meanwhile. `undefined` when no stopping
 * budget covers it. The push after the start re-divides everyone's shares.
 */
export async function launchAllowances(
  deps: ApiDeps,
  runner: { id: string; projectId: string },
): Promise<Omit<AllowancesCommand, "runnerIds"> | undefined> {
  const { runners, budgets } = await spendersUnder(deps, [runner.projectId]);
  const items = (await allowancesFor(deps, runners, budgets, new Map())).filter((a) => a.runnerId === runner.id);
  return items.length ? { items, prices: await pricesForAgents(deps) } : undefined;
}

async function spendersUnder(
  deps: ApiDeps,
  projectIds: string[],
): Promise<{ runners: SpendingRunner[]; budgets: Awaited<ReturnType<typeof budgetsCovering>> }> {
  const scoped = await spendingRunners(deps.db, projectIds);
  const covering = await budgetsCovering(
    deps.db,
    projectIds,
    scoped.map((r) => r.id),
  );
  const budgets = covering.filter((b) => STOPPING.has(b.action));
  const runners = budgets.some((b) => b.scope === "global") ? await spendingRunners(deps.db) : scoped;
  return { runners, budgets };
}

async function pricesForAgents(deps: ApiDeps): Promise<AllowancesCommand["prices"]> {
  const book = await currentPriceBook(deps.db);
  return { version: book.version, prices: book.prices };
}

/** Every runner that spends, everywhere: after a budget is created, changed or deleted. */
export async function pushAllowancesEverywhere(deps: ApiDeps): Promise<void> {
  const projects = await projectsWithLiveRunners(deps.db);
  // Also when nothing bites any more: the agents must drop what they were given.
  await pushAllowances(deps, projects);
}

async function allowancesFor(
  deps: ApiDeps,
  runners: SpendingRunner[],
  budgets: Awaited<ReturnType<typeof budgetsCovering>>,
  viewed: ReadonlyMap<string, Budget>,
): Promise<Allowance[]> {
  // Every launch asks; with no stopping budget over it there is nothing to read.
  if (budgets.length === 0) return [];
  const totals = await spendSinceStart(
    deps.db,
    runners.map((r) => r.id),
  );
  const items: Allowance[] = [];
  for (const row of budgets) {
    // The evaluation that just ran has these figures already; anyone else computes them.
    const view = viewed.get(row.id) ?? (await budgetView(deps.db, row, await scopeLabelOf(deps.db, row)));
    const covered = runners.filter(
      (r) => row.scope === "global" || (row.scope === "project" ? r.projectId === row.scopeId : r.id === row.scopeId),
    );
    if (covered.length === 0) continue;
    // As the budget's own view: a zero limit is no limit of that kind.
    const share = (limit: number | null, used: number) => (!limit ? null : Math.max(0, limit - used) / covered.length);
    for (const r of covered) {
      const base = totals.get(r.id);
      items.push({
        runnerId: r.id,
        budgetId: row.id,
        budgetName: row.name,
        tokens: share(view.limitTokens, view.usedTokens),
        usd: share(view.limitUsd, view.usedUsd),
        baseTokens: base?.tokens ?? 0,
        baseUsd: base?.usd ?? 0,
      });
    }
  }
  return items;
}
