import {
  AppError,
  SUBSCRIPTION_PLANS,
  type SubscriptionWindow,
  type windowAccountSetInput,
} from "@stratavore/contracts";
import {
  deleteSubscriptionAccount,
  findNode,
  listNodes,
  listSubscriptionAccounts,
  upsertSubscriptionAccount,
  windowTokensSince,
} from "@stratavore/db";
import type { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { currentWindow, windowUses } from "../budgets/policy/window-blocks.ts";

const WEEK_MS = 7 * 86_400_000;

/**
 * Each subscription account's 5-hour window and last 7 days: input + output tokens used (what
 * plan limits count) against its limits, and when the window resets. An account's usage is
 * what runners on its nodes spent (every node when it names none).
 */
export async function listWindows(deps: ApiDeps, now = new Date()): Promise<SubscriptionWindow[]> {
  const names = new Map((await listNodes(deps.db, deps.fleet.agents.isConnected)).map((n) => [n.id, n.name] as const));
  const out: SubscriptionWindow[] = [];
  for (const a of await listSubscriptionAccounts(deps.db)) {
    const scope = a.nodeIds.length ? { nodeIds: a.nodeIds } : {};
    const w = currentWindow(await windowUses(deps.db, scope, now), now);
    const [inWindow, week] = await Promise.all([
      w.active ? windowTokensSince(deps.db, scope, w.start) : Promise.resolve({ counted: 0, total: 0 }),
      windowTokensSince(deps.db, scope, new Date(now.getTime() - WEEK_MS)),
    ]);
    out.push({
      name: a.name,
      plan: a.plan,
      nodes: a.nodeIds.map((id) => names.get(id) ?? id),
      windowStart: w.start,
      resetsAt: w.end,
      active: w.active,
      windowTokens: inWindow.counted,
      windowTokenLimit: a.windowTokenLimit,
      windowShare: inWindow.counted / a.windowTokenLimit,
      windowTotalTokens: inWindow.total,
      weeklyTokens: week.counted,
      weeklyTokenLimit: a.weeklyTokenLimit,
      weeklyShare: a.weeklyTokenLimit ? week.counted / a.weeklyTokenLimit : null,
    });
  }
  return out;
}

/** Adds or changes an account (by name): its plan's estimate unless a limit is given. */
export async function setWindowAccount(
  deps: ApiDeps,
  actor: Actor,
  input: z.infer<typeof windowAccountSetInput>,
): Promise<SubscriptionWindow> {
  const existing = (await listSubscriptionAccounts(deps.db)).find((a) => a.name === input.name);
  const nodeIds: string[] = input.nodes ? [] : (existing?.nodeIds ?? []);
  for (const ref of input.nodes ?? []) {
    const node = await findNode(deps.db, ref, deps.fleet.agents.isConnected);
    if (!node) throw new AppError("NOT_FOUND", `No node '${ref}'.`);
    nodeIds.push(node.id);
  }
  const limit = input.windowTokenLimit ?? SUBSCRIPTION_PLANS[input.plan as keyof typeof SUBSCRIPTION_PLANS];
  await inTransaction(deps.db, deps.bus, async (tx) => {
    await upsertSubscriptionAccount(tx, {
      name: input.name,
      plan: input.plan,
      windowTokenLimit: limit,
      weeklyTokenLimit:
        input.weeklyTokenLimit === undefined ? (existing?.weeklyTokenLimit ?? null) : input.weeklyTokenLimit,
      nodeIds,
    });
    await audit(tx, deps.config.auditKey, actor, {
      type: "subscription.updated",
      entityType: "subscription",
      data: { name: input.name, plan: input.plan, windowTokenLimit: limit, nodes: nodeIds.length },
    });
  });
  const found = (await listWindows(deps)).find((w) => w.name === input.name);
  if (!found) throw new AppError("NOT_FOUND", `No subscription account '${input.name}'.`);
  return found;
}

export async function deleteWindowAccount(deps: ApiDeps, actor: Actor, name: string): Promise<void> {
  await inTransaction(deps.db, deps.bus, async (tx) => {
    if (!(await deleteSubscriptionAccount(tx, name)))
      throw new AppError("NOT_FOUND", `No subscription account '${name}'.`);
    await audit(tx, deps.config.auditKey, actor, {
      type: "subscription.deleted",
      entityType: "subscription",
      data: { name },
    });
  });
}
