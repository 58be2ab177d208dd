import { AppError, isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import {
  countRunners,
  findNode,
  findProject,
  findRunner,
  listRunners,
  runnerIdsStartingWith,
  namesForEvents,
  runnerEvents,
} from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";

type RunnerQuery = {
  project?: string;
  node?: string;
  session?: string;
  status?: Runner["status"] | "active";
  idPrefix?: string;
};

export async function listRunnersFor(deps: ApiDeps, input: RunnerQuery & { limit: number }): Promise<Runner[]> {
  return listRunners(deps.db, { ...(await resolveFilter(deps, input)), limit: input.limit });
}

/** How many runners the list's filters match (the list shows at most its limit). */
export async function countRunnersFor(deps: ApiDeps, input: RunnerQuery): Promise<{ total: number }> {
  return { total: await countRunners(deps.db, await resolveFilter(deps, input)) };
}

async function resolveFilter(deps: ApiDeps, input: RunnerQuery) {
  let projectId: string | undefined;
  let nodeId: string | undefined;
  if (input.project) {
    const p = await findProject(deps.db, input.project);
    if (!p) throw new AppError("NOT_FOUND", `No project '${input.project}'.`);
    projectId = p.id;
  }
  if (input.node) {
    const n = await findNode(deps.db, input.node, deps.fleet.agents.isConnected);
    if (!n) throw new AppError("NOT_FOUND", `No node '${input.node}'.`);
    nodeId = n.id;
  }
  const ids = input.idPrefix ? await runnerIdsStartingWith(deps.db, input.idPrefix) : undefined;
  return { projectId, nodeId, sessionId: input.session, status: input.status, ids };
}

export async function getRunner(deps: ApiDeps, id: string): Promise<Runner> {
  const runner = await findRunner(deps.db, id);
  if (!runner) throw new AppError("NOT_FOUND", "No such runner.");
  return runner;
}

/** The runner's transitions, from the audit log. */
export async function runnerTimeline(deps: ApiDeps, id: string) {
  await getRunner(deps, id);
  const rows = await runnerEvents(deps.db, id);
  // People and nodes by name ("ann@example.com", "node laptop"), not "user:613828d4-…".
  const names = await namesForEvents(deps.db, rows);
  const actorOf = (e: (typeof rows)[number]) => {
    if (e.actorType === "system" || !e.actorId) return "system";
    const name = names.actors.get(e.actorId);
    if (!name) return `${e.actorType} ${e.actorId.slice(0, 8)} (removed)`;
    if (e.actorType === "node") return `node ${name}`;
    return e.actorType === "token" ? `${name} (API token)` : name;
  };
  return rows.map((e) => ({
    seq: Number(e.seq),
    type: e.type,
    at: e.createdAt,
    actor: actorOf(e),
    data: (e.data ?? {}) as Record<string, unknown>,
  }));
}

/**
 * Recent output: the live scrollback while the runner is active (this instance's, else the one
 * holding its agent); once it has ended, the tail of
 * its log file, fetched from its node (the server keeps no output of ended runners).
 */
export async function runnerScrollback(deps: ApiDeps, id: string) {
  const runner = await getRunner(deps, id);
  let live = deps.fleet.scrollback.since(id);
  // In a cluster the screen is on the instance holding the runner's agent, maybe not this one.
  if (!live.length && isActiveRunnerStatus(runner.status) && deps.fleet.peerScrollback)
    live = await deps.fleet.peerScrollback(id);
  if (live.length || !runner.nodeId || isActiveRunnerStatus(runner.status)) return { runnerId: id, chunks: live };
  const res = await deps.fleet.agents.logs(runner.nodeId, id, 2000, 5000);
  return { runnerId: id, chunks: res.ok ? [{ seq: 0, data: res.lines.join("\n") + "\n" }] : [] };
}
