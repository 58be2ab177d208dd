import { AppError, isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import {
  candidateNodes,
  detachTask,
  findNode,
  findProject,
  findRunner,
  handOverTask,
  projectNodeLabels,
  runnerLabels,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { assertFolderOn, folderAvoidance } from "./folder-placement.ts";
import { launchRunner } from "./launch-service.ts";
import { stopRunner } from "./runner-lifecycle.ts";

/** How long a graceful stop may take before the move kills the runner. */
export const MOVE_STOP_GRACE_MS = 20_000;

async function endedRunner(deps: ApiDeps, id: string, timeoutMs: number): Promise<Runner | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await findRunner(deps.db, id);
    if (!r || !isActiveRunnerStatus(r.status)) return r;
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Where a moved runner goes: the node asked for, else the least loaded other node that fits its
 * labels and has the project's folder. Judged before anything is stopped: a move that cannot
 * resume there must not interrupt the conversation.
 */
async function targetNode(deps: ApiDeps, runner: Runner, ref?: string) {
  const project = await findProject(deps.db, runner.projectId);
  if (!project) throw new AppError("NOT_FOUND", "The runner's project is gone.");
  if (ref) {
    const node = await findNode(deps.db, ref, deps.fleet.agents.isConnected);
    if (!node) throw new AppError("NOT_FOUND", `No node '${ref}'.`);
    if (node.id === runner.nodeId) throw new AppError("CONFLICT", `The runner already runs on ${node.name}.`);
    // Checked before anything is stopped (admission checks again, with budgets and labels).
    if (node.status !== "online" || !node.connected)
      throw new AppError("NODE_UNAVAILABLE", `Node ${node.name} is not online (${node.status}); nothing was stopped.`);
    if (node.activeRunners >= node.capacity)
      throw new AppError(
        "NODE_UNAVAILABLE",
        `Node ${node.name} is full (${node.activeRunners}/${node.capacity}); nothing was stopped.`,
      );
    await assertFolderOn(deps, project.path, node.id, node.name);
    return node.name;
  }
  const labels = [
    ...new Set([...(await projectNodeLabels(deps.db, runner.projectId)), ...(await runnerLabels(deps.db, runner.id))]),
  ];
  const others = (await candidateNodes(deps.db, { labels })).filter(
    (n) => n.id !== runner.nodeId && deps.fleet.agents.isConnected(n.id) && n.active < n.capacity,
  );
  if (others.length === 0)
    throw new AppError(
      "NO_NODE_AVAILABLE",
      `No other online node with room${labels.length ? ` and labels ${labels.join(", ")}` : ""} to move it to.`,
    );
  const { missingOn } = await folderAvoidance(deps, project.path, labels);
  const best = others.find((n) => !missingOn.includes(n.id));
  if (!best)
    throw new AppError(
      "PATH_MISSING",
      `The folder ${project.path} is on none of the other online nodes with room (${others.map((n) => n.name).join(", ")}); nothing was stopped.`,
    );
  return best.name;
}

/**
 * Moves a runner's conversation to another node (DESIGN §2, migration): the runner is stopped
 * gracefully (killed after MOVE_STOP_GRACE_MS), then a runner resuming its session is launched
 * on the target with the same model, flags and labels — the launch restores the transcript
 * there from the archive first. A pool's task follows it. Usage stays counted once: the ledger
 * is keyed by each response's message id, whichever node reports it. Returns the new runner.
 */
export async function moveRunnerTo(deps: ApiDeps, actor: Principal, id: string, nodeRef?: string): Promise<Runner> {
  const runner = await findRunner(deps.db, id);
  if (!runner) throw new AppError("NOT_FOUND", "No such runner.");
  if (!isActiveRunnerStatus(runner.status) || runner.status === "stopping")
    throw new AppError("INVALID_TRANSITION", `A ${runner.status} runner cannot be moved; resume its session instead.`);
  if (!runner.sessionId) throw new AppError("CONFLICT", "The runner has no session yet; there is nothing to move.");
  const target = await targetNode(deps, runner, nodeRef);
  const labels = await runnerLabels(deps.db, id);

  // Its task is in transit meanwhile: the pool must not judge it by the runner being stopped.
  if (runner.taskId) await detachTask(deps.db, runner.taskId);
  const why = `stopped to move to ${target}`;
  await stopRunner(deps, actor, id, "stop", why);
  if (!(await endedRunner(deps, id, MOVE_STOP_GRACE_MS))) {
    await stopRunner(deps, actor, id, "kill", why.replace("stopped", "killed"));
    if (!(await endedRunner(deps, id, 10_000)))
      throw new AppError("NODE_UNAVAILABLE", "The runner did not stop; it was not moved.");
  }
  const resume = (node: string) =>
    launchRunner(
      deps,
      actor,
      {
        project: runner.projectId,
        mode: "resume",
        resumeSessionId: runner.sessionId ?? undefined,
        fork: false,
        model: runner.model ?? undefined,
        node,
        labels,
        extraArgs: runner.flags,
        wait: "running",
      },
      // Its flags already hold what plugins added at its launch: not added twice.
      { inherit: { tags: runner.tags } },
    );
  let moved: Runner;
  try {
    moved = await resume(target);
  } catch (err) {
    if (!(err instanceof AppError) || !runner.nodeName) throw err;
    // Refused there after it stopped here (a budget, the node filling up): back where it was.
    const home = await resume(runner.nodeName);
    const { taskId } = runner;
    if (taskId) await inTransaction(deps.db, deps.bus, (tx) => handOverTask(tx, taskId, home.id));
    throw new AppError(
      "NODE_UNAVAILABLE",
      `It could not resume on ${target} (${err.message}); it resumed on ${runner.nodeName} as runner ${home.id.slice(0, 8)}.`,
      { runnerId: home.id },
    );
  }
  await inTransaction(deps.db, deps.bus, async (tx) => {
    if (runner.taskId) await handOverTask(tx, runner.taskId, moved.id);
    await audit(tx, deps.config.auditKey, actor, {
      type: "runner.moved",
      entityType: "runner",
      entityId: runner.id,
      data: { to: moved.id, fromNode: runner.nodeName, toNode: target, sessionId: runner.sessionId },
    });
  });
  return (await findRunner(deps.db, moved.id)) ?? moved;
}
