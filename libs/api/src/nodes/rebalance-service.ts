import { AppError, isActiveRunnerStatus } from "@stratavore/contracts";
import { listNodes, listRunners } from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { moveRunnerTo } from "../runners/move-service.ts";
import { getNode, setDraining } from "./nodes-service.ts";

export interface Move {
  runnerId: string;
  from: string;
  to: string;
  /** The runner resuming the conversation there (absent in a dry run, or when the move failed). */
  newRunnerId?: string;
  error?: string;
}

/** At most this many moves per call: a rebalance is a few careful steps, not a stampede. */
export const MAX_MOVES = 20;

const movable = (status: string) => status === "running" || status === "paused";

/**
 * Evens out the online nodes: while the busiest node (active runners over capacity) has two
 * or more runners more than the least busy one with room, one of its runners moves there
 * (move-service.ts). `dryRun` only says which moves it would make.
 */
export async function rebalance(deps: ApiDeps, actor: Principal, dryRun: boolean): Promise<Move[]> {
  const nodes = (await listNodes(deps.db, deps.fleet.agents.isConnected)).filter(
    (n) => n.status === "online" && n.connected && !n.revokedAt,
  );
  const load = new Map(nodes.map((n) => [n.id, n.activeRunners]));
  const l = (id: string) => load.get(id) ?? 0;
  const moves: Move[] = [];
  const tried = new Set<string>();
  while (moves.length < MAX_MOVES) {
    const byLoad = [...nodes].sort((a, b) => l(a.id) / a.capacity - l(b.id) / b.capacity);
    const [idlest, busiest] = [byLoad[0], byLoad.at(-1)];
    if (!idlest || !busiest || idlest === busiest) break;
    if (l(busiest.id) - l(idlest.id) < 2 || l(idlest.id) >= idlest.capacity) break;
    const candidates = await listRunners(deps.db, { nodeId: busiest.id, status: "active", limit: 500 });
    const pick = candidates.find((r) => movable(r.status) && r.sessionId && !tried.has(r.id));
    if (!pick) break;
    tried.add(pick.id);
    const move: Move = { runnerId: pick.id, from: busiest.name, to: idlest.name };
    if (!dryRun)
      try {
        move.newRunnerId = (await moveRunnerTo(deps, actor, pick.id, idlest.name)).id;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        move.error = err.message;
      }
    moves.push(move);
    load.set(busiest.id, l(busiest.id) - 1);
    load.set(idlest.id, l(idlest.id) + 1);
  }
  return moves;
}

/** Drain with migration: no new launches land on the node, and each of its runners moves elsewhere. */
export async function evacuateNode(deps: ApiDeps, actor: Principal, ref: string): Promise<Move[]> {
  const node = await getNode(deps, ref);
  if (node.status !== "draining") await setDraining(deps, actor, ref, true);
  const moves: Move[] = [];
  for (const r of await listRunners(deps.db, { nodeId: node.id, status: "active", limit: 500 })) {
    if (!isActiveRunnerStatus(r.status)) continue;
    const move: Move = { runnerId: r.id, from: node.name, to: "" };
    try {
      const moved = await moveRunnerTo(deps, actor, r.id);
      move.newRunnerId = moved.id;
      move.to = moved.nodeName ?? "";
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      move.error = err.message;
    }
    moves.push(move);
  }
  return moves;
}
