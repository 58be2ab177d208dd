import { restartDelayMs } from "@stratavore/runner";
import { AppError } from "@stratavore/contracts";
import { candidateNodes, countActiveOnNode, countActiveRunners, findProject, findRunner } from "@stratavore/db";
import type { ApiDeps } from "../trpc/context.ts";
import { assertLaunchAllowed } from "../budgets/enforcement.ts";
import { dispatchToAgent } from "./launch-service.ts";
import { moveRunner } from "./runner-events.ts";
import { inTransaction, lock, type TxClient } from "./transaction.ts";


/** Its original node when it is back and has room, else the least-loaded one that has. */
async function pickNode(deps: ApiDeps, tx: TxClient, previous: string | null, labels: string[]): Promise<string | null> {
  const nodes = (await candidateNodes(tx, { labels })).filter((n) => deps.fleet.agents.isConnected(n.id));
  nodes.sort((a, b) => Number(b.id === previous) - Number(a.id === previous));
  // Same fixed lock order as a launch, so the two never deadlock.
  for (const n of [...nodes].sort((a, b) => a.id.localeCompare(b.id))) await lock(tx, `node:${n.id}`);
  for (const n of nodes) {
    if ((await countActiveOnNode(tx, n.id)) < n.capacity) return n.id;
  }
  return null;
}

/**
 * Relaunches a failed runner that is due (`nextRestartAt` passed) with `--resume <session>`,
 * under the same quota and capacity locks as a launch. When it cannot be placed the attempt
 * still counts, so a runner with nowhere to go ends for good after its last attempt.
 */
export async function restartDueRunner(deps: ApiDeps, runnerId: string): Promise<void> {
  const runner = await findRunner(deps.db, runnerId);
  if (!runner || runner.status !== "failed" || !runner.nextRestartAt || !runner.sessionId) return;
  const project = await findProject(deps.db, runner.projectId);
  const attempt = runner.restartAttempts + 1;
  const restarted = await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const giveUp = (why: string) =>
      moveRunner(deps, tx, outbox, null, {
        runnerId, from: ["failed"],
        data: attempt < runner.maxRestarts
          ? { restartAttempts: attempt, nextRestartAt: new Date(Date.now() + restartDelayMs(attempt + 1, { baseMs: deps.fleet.config.restartBaseMs })), endReason: `${runner.endReason}; restart ${attempt} not placed: ${why}` }
          : { restartAttempts: attempt, nextRestartAt: null, endReason: `crash loop: ${runner.endReason}; gave up after ${attempt} attempts (${why})` },
        event: "runner.restart_deferred", details: { why, attempt },
      }).then(() => null);
    if (!project || project.status === "archived") return giveUp("project archived or deleted");
    await lock(tx, `project:${project.id}`);
    if ((await countActiveRunners(tx, project.id)) >= project.maxRunners) return giveUp("quota full");
    const blocked = await assertLaunchAllowed(deps, tx, project.id).then(() => null, (err: unknown) => (err instanceof AppError && err.code === "BUDGET_BLOCKED" ? err.message : Promise.reject(err)));
    if (blocked) return giveUp(`budget: ${blocked}`);
    const labels = (await tx.project.findUnique({ where: { id: project.id }, select: { nodeLabels: true } }))?.nodeLabels ?? [];
    const nodeId = await pickNode(deps, tx, runner.nodeId, labels);
    if (!nodeId) return giveUp("no online node with room");
    return moveRunner(deps, tx, outbox, null, {
      runnerId, from: ["failed"],
      data: { status: "starting", nodeId, restartAttempts: attempt, nextRestartAt: null, conversationMode: "resume", pid: null, exitCode: null, endedAt: null, endReason: null },
      event: "runner.restarting", details: { attempt, nodeId },
    });
  });
  if (!restarted || !project) return;
  await dispatchToAgent(deps, null, restarted, project.path, { resumeSessionId: restarted.sessionId ?? undefined, extraArgs: restarted.flags, restart: true }).catch((err: unknown) => {
    if (!(err instanceof AppError)) throw err; // a refused relaunch is already recorded as failed
  });
}
