import { AppError } from "@stratavore/contracts";
import {
  activeRunnersOfSession,
  advisoryLock,
  candidateNodes,
  countActiveOnNode,
  countActiveRunners,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { folderMissingEverywhere, type FolderAvoidance } from "./folder-placement.ts";
import { assertLaunchAllowed } from "../budgets/policy/checks.ts";
import type { OutgoingEvent } from "../realtime/bus.ts";
import { inTransaction, type TxClient } from "../shared/transaction.ts";

/** What a runner needs to be let in: its project, where it may run, and the session it writes. */
export interface AdmissionRequest {
  project: { id: string; name: string; maxRunners: number };
  /** Node labels it needs (the project's and the launch's own). */
  labels: string[];
  /** A node the launch asked for: only that one. */
  requiredNodeId?: string;
  /** A restart's previous node: preferred when it is back and has room. */
  preferredNodeId?: string | null;
  /** Resuming in place writes this session's transcript: no other active runner may use it. */
  exclusiveSession?: string;
  /** Nodes whose agent said the project's folder is not there (folder-placement.ts): passed over. */
  folder?: FolderAvoidance;
  /** A pool's thresholds: nodes whose machine is busier are passed over (unknown load is not). */
  maxLoad?: { cpuPercent: number; memoryPercent: number };
}

/**
 * The one admission path (DESIGN §2), for launch, resume, fork and restart: in one transaction
 * under the project's advisory lock — quota, the session not open elsewhere, budgets, then a
 * node with room, its capacity counted under the node locks (taken in id order, so two
 * admissions never deadlock). Throws AppError: QUOTA_EXCEEDED, BUDGET_BLOCKED, CONFLICT,
 * NODE_UNAVAILABLE, NO_NODE_AVAILABLE or PATH_MISSING. Returns the node chosen.
 */
export async function admit(deps: ApiDeps, tx: TxClient, req: AdmissionRequest): Promise<string> {
  await advisoryLock(tx, `project:${req.project.id}`);
  const active = await countActiveRunners(tx, req.project.id);
  if (active >= req.project.maxRunners) {
    throw new AppError(
      "QUOTA_EXCEEDED",
      `Project '${req.project.name}' already has ${active} of ${req.project.maxRunners} runners active (its quota).`,
    );
  }
  if (req.exclusiveSession && (await activeRunnersOfSession(tx, req.exclusiveSession)) > 0) {
    throw new AppError("CONFLICT", "This session is open in an active runner; fork it, or stop that runner first.");
  }
  await assertLaunchAllowed(deps, tx, req.project.id);
  return placeOnNode(deps, tx, req);
}

/**
 * Runs `work` (which calls `admit`) in a transaction, queued in this process behind the
 * project's other admissions first: twenty launches waiting on the project's lock inside
 * transactions would hold every pooled connection, starving heartbeats and pages. The advisory
 * lock still orders admissions across server instances.
 */
export function admitting<T>(
  deps: ApiDeps,
  projectId: string,
  work: (tx: TxClient, outbox: OutgoingEvent[]) => Promise<T>,
): Promise<T> {
  return deps.fleet.serially(`admit:${projectId}`, () => inTransaction(deps.db, deps.bus, work));
}

async function placeOnNode(deps: ApiDeps, tx: TxClient, req: AdmissionRequest): Promise<string> {
  const want = { nodeId: req.requiredNodeId, labels: req.labels };
  let candidates = (await candidateNodes(tx, want)).filter((n) => deps.fleet.agents.isConnected(n.id));
  const code = req.requiredNodeId ? "NODE_UNAVAILABLE" : "NO_NODE_AVAILABLE";
  if (candidates.length === 0) {
    throw new AppError(
      code,
      req.requiredNodeId
        ? "The requested node is not online (or is draining)."
        : `No online node${req.labels.length ? ` with labels ${req.labels.join(", ")}` : ""}; start an agent or check Nodes.`,
    );
  }
  const avoided = candidates.filter((c) => req.folder?.missingOn.includes(c.id));
  if (req.folder && avoided.length) {
    candidates = candidates.filter((c) => !avoided.includes(c));
    if (candidates.length === 0)
      throw folderMissingEverywhere(
        req.folder.path,
        avoided.map((c) => c.name),
      );
  }
  const { maxLoad } = req;
  const overloaded = maxLoad ? candidates.map((c) => overThresholds(c, maxLoad)) : [];
  if (overloaded.length && overloaded.every(Boolean))
    throw new AppError(
      "NO_NODE_AVAILABLE",
      `Every matching node is above the pool's load thresholds (${overloaded.join("; ")}).`,
    );
  if (overloaded.length) candidates = candidates.filter((_, i) => !overloaded[i]);
  for (const c of [...candidates].sort((a, b) => a.id.localeCompare(b.id))) await advisoryLock(tx, `node:${c.id}`);
  // Its previous node first (a restart), then the least loaded (candidateNodes' order).
  const ordered = [...candidates].sort(
    (a, b) => Number(b.id === req.preferredNodeId) - Number(a.id === req.preferredNodeId),
  );
  for (const c of ordered) {
    if ((await countActiveOnNode(tx, c.id)) < c.capacity) return c.id;
  }
  throw new AppError(
    code,
    `Every matching node is at capacity (${candidates.map((c) => `${c.name} ${c.capacity}/${c.capacity}`).join(", ")}).`,
  );
}

/** Why a node is too busy for a pool's runner, in words; "" when it is not (or has not said). */
function overThresholds(
  n: { name: string; hostCpuPercent: number | null; hostMemoryPercent: number | null },
  max: { cpuPercent: number; memoryPercent: number },
): string {
  const over: string[] = [];
  if (n.hostCpuPercent !== null && n.hostCpuPercent > max.cpuPercent)
    over.push(`CPU ${n.hostCpuPercent} % > ${max.cpuPercent} %`);
  if (n.hostMemoryPercent !== null && n.hostMemoryPercent > max.memoryPercent)
    over.push(`memory ${n.hostMemoryPercent} % > ${max.memoryPercent} %`);
  return over.length ? `${n.name}: ${over.join(", ")}` : "";
}
