import { AppError } from "@stratavore/contracts";
import { candidateNodes } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";

/** How long placement waits for an agent's answer: a silent one is "unknown", not "missing". */
const FOLDER_ANSWER_MS = 2_000;

export interface FolderOnNode {
  id: string;
  name: string;
  /** null: the node's agent could not say (an earlier release, or no answer in time). */
  present: boolean | null;
}

/** Whether `path` is a folder on each online node matching `labels`, asked of their agents at once. */
export async function folderOnNodes(deps: ApiDeps, path: string, labels: string[] = []): Promise<FolderOnNode[]> {
  const nodes = (await candidateNodes(deps.db, { labels })).filter((n) => deps.fleet.agents.isConnected(n.id));
  const timeout = Math.min(FOLDER_ANSWER_MS, deps.fleet.config.agentAckTimeoutMs);
  return Promise.all(
    nodes.map(async (n) => {
      if (!n.answersFolders) return { id: n.id, name: n.name, present: null };
      const ack = await deps.fleet.agents.folders(n.id, [path], timeout);
      return { id: n.id, name: n.name, present: ack.ok ? (ack.present[0] ?? null) : null };
    }),
  );
}

/**
 * The nodes a launch that names none must not go to: those whose agent says the project's
 * folder is not there. When every node that could run it says so, the launch is refused here
 * (PATH_MISSING), before a runner row is written; nodes that cannot say stay candidates, and
 * their agent refuses at launch as before.
 */
export async function nodesWithoutFolder(deps: ApiDeps, path: string, labels: string[]): Promise<string[]> {
  const nodes = await folderOnNodes(deps, path, labels);
  const without = nodes.filter((n) => n.present === false);
  if (without.length > 0 && without.length === nodes.length)
    throw new AppError(
      "PATH_MISSING",
      `The folder ${path} exists on none of the online nodes that could run it (${without.map((n) => n.name).join(", ")}).`,
    );
  return without.map((n) => n.id);
}
