import { AppError, folderOnNoNode } from "@stratavore/contracts";
import { candidateNodes } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";

/** How long placement waits for an agent's answer: a silent one is "unknown", not "missing". */
const FOLDER_ANSWER_MS = 2_000;
/**
 * A node whose agent did not answer in time is not asked again for this long: a connected but
 * stuck agent would otherwise add FOLDER_ANSWER_MS to every launch, and to every restart of a
 * reconciler pass, one after another.
 */
const QUIET_NODE_MS = 30_000;
/** Per server instance (its fleet): node id → until when it is not asked. */
const quietNodes = new WeakMap<object, Map<string, number>>();

export interface FolderOnNode {
  id: string;
  name: string;
  /** null: the node's agent could not say (an earlier release, no answer in time, a path it could not read in time). */
  present: boolean | null;
}

/** What admission passes over: the nodes whose agent said the project's folder is not there. */
export interface FolderAvoidance {
  path: string;
  missingOn: string[];
}

/**
 * Whether `path` is a folder on each online node matching `labels` (or on `nodeId` alone),
 * asked of their agents at once.
 */
export async function folderOnNodes(
  deps: ApiDeps,
  path: string,
  labels: string[] = [],
  nodeId?: string,
): Promise<FolderOnNode[]> {
  const nodes = (await candidateNodes(deps.db, { labels, nodeId })).filter((n) => deps.fleet.agents.isConnected(n.id));
  const timeout = Math.min(FOLDER_ANSWER_MS, deps.fleet.config.agentAckTimeoutMs);
  let quiet = quietNodes.get(deps.fleet);
  if (!quiet) quietNodes.set(deps.fleet, (quiet = new Map()));
  const now = Date.now();
  return Promise.all(
    nodes.map(async (n) => {
      if (!n.answersFolders || (quiet.get(n.id) ?? 0) > now) return { id: n.id, name: n.name, present: null };
      const ack = await deps.fleet.agents.folders(n.id, [path], timeout);
      if (!ack.ok && ack.code === "UNREACHABLE") quiet.set(n.id, Date.now() + QUIET_NODE_MS);
      else quiet.delete(n.id);
      return { id: n.id, name: n.name, present: ack.ok ? (ack.present[0] ?? null) : null };
    }),
  );
}

/** The nodes a placement must pass over for `path`: those whose agent says it is not there. */
export async function folderAvoidance(deps: ApiDeps, path: string, labels: string[]): Promise<FolderAvoidance> {
  const nodes = await folderOnNodes(deps, path, labels);
  return { path, missingOn: nodes.filter((n) => n.present === false).map((n) => n.id) };
}

/** The refusal when every node that could run it lacks the folder: one wording wherever it is found. */
export function folderMissingEverywhere(path: string, nodeNames: string[]): AppError {
  return new AppError(
    "PATH_MISSING",
    `The folder ${path} exists on none of the online nodes that could run it (${nodeNames.join(", ")}).`,
  );
}

/**
 * As folderAvoidance, for a launch that names no node: refused here (PATH_MISSING), before a
 * runner row is written, when every node that could run it says the folder is not there.
 * Nodes that cannot say stay candidates; their agent refuses at launch as before.
 */
export async function launchAvoidance(deps: ApiDeps, path: string, labels: string[]): Promise<FolderAvoidance> {
  const nodes = await folderOnNodes(deps, path, labels);
  const without = nodes.filter((n) => n.present === false);
  if (folderOnNoNode(nodes))
    throw folderMissingEverywhere(
      path,
      without.map((n) => n.name),
    );
  return { path, missingOn: without.map((n) => n.id) };
}

/** For a node named by the caller: refused before anything happens when its agent says the folder is not there. */
export async function assertFolderOn(deps: ApiDeps, path: string, nodeId: string, nodeName: string): Promise<void> {
  const [answer] = await folderOnNodes(deps, path, [], nodeId);
  if (answer?.present === false)
    throw new AppError("PATH_MISSING", `The folder ${path} does not exist on ${nodeName}; nothing was stopped.`);
}
