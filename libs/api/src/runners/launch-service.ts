import { AppError, type Runner } from "@stratavore/contracts";
import {
  abandonWaitingRestarts,
  ensureSession,
  findNode,
  findProject,
  insertRunner,
  projectNodeLabels,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { admit, admitting } from "./admission.ts";
import type { ApiDeps } from "../deps.ts";
import { audit } from "../shared/audit.ts";
import { announceRunner } from "./runner-events.ts";
import { pluginAdditions } from "../plugins/launch-additions.ts";
import { dispatchToAgent } from "./agent-dispatch.ts";
import { launchAvoidance } from "./folder-placement.ts";
import { planSession, type LaunchRequest } from "./session-plan.ts";

export { dispatchToAgent } from "./agent-dispatch.ts";
export { launchPooled, type PooledLaunch } from "./pooled-launch.ts";

/**
 * Launch (DESIGN §2): admitted (admission.ts: quota, budgets, session, placement) and the
 * `starting` row with its audit event written in one transaction. After commit the
 * agent is told; its answer moves the runner to `running` or `failed` with the reason. The
 * caller waits for that answer unless it asked for `wait: "accepted"`.
 */
export async function launchRunner(
  deps: ApiDeps,
  actor: Principal,
  input: LaunchRequest,
  /**
   * `inherit`: a move's relaunch (its flags already hold what plugins added, its tags are kept).
   * `preferNodeId`: tried first when it has room and the folder (a resume's original node).
   */
  opts: { inherit?: { tags: string[] }; preferNodeId?: string } = {},
): Promise<Runner> {
  const project = await findProject(deps.db, input.project);
  if (!project) throw new AppError("NOT_FOUND", `No project '${input.project}'.`);
  if (project.status === "archived")
    throw new AppError("PROJECT_ARCHIVED", `Project '${project.name}' is archived; unarchive it to launch runners.`);
  let nodeId: string | undefined;
  if (input.node) {
    const node = await findNode(deps.db, input.node, deps.fleet.agents.isConnected);
    if (!node) throw new AppError("NOT_FOUND", `No node '${input.node}'.`);
    nodeId = node.id;
  }
  const labels = [...new Set([...(await projectNodeLabels(deps.db, project.id)), ...input.labels])];
  // Asked first (outside the admission's locks, before plugins run for a launch that may be
  // refused): a runner goes only where its project is checked out.
  const folder = nodeId ? undefined : await launchAvoidance(deps, project.path, labels);
  const plan = await planSession(deps, project.id, project.name, input);
  const added = opts.inherit
    ? { flags: [], tags: opts.inherit.tags }
    : await pluginAdditions(deps, {
        project: { id: project.id, name: project.name, path: project.path },
        model: input.model ?? null,
        prompt: input.prompt ?? null,
        flags: input.extraArgs,
        pooled: false,
      });

  const runner = await admitting(deps, project.id, async (tx, outbox) => {
    const resumeInPlace = !plan.parentId && plan.spec.mode === "resume";
    const placed = await admit(deps, tx, {
      project,
      labels,
      requiredNodeId: nodeId,
      preferredNodeId: opts.preferNodeId,
      folder,
      exclusiveSession: resumeInPlace ? plan.sessionId : undefined,
    });
    // The user's resume takes the place of a failed runner of this session waiting to restart.
    if (resumeInPlace) await abandonWaitingRestarts(tx, plan.sessionId);
    await ensureSession(tx, {
      id: plan.sessionId,
      projectId: project.id,
      nodeId: placed,
      cwd: project.path,
      forkedFromId: plan.parentId ?? undefined,
    });
    const created = await insertRunner(tx, {
      projectId: project.id,
      nodeId: placed,
      status: "starting",
      conversationMode: input.mode,
      sessionId: plan.sessionId,
      model: input.model ?? null,
      prompt: input.prompt ?? null,
      flags: [...input.extraArgs, ...added.flags],
      tags: added.tags,
      labels,
      createdById: actor.user.id,
      memoryLimitBytes: project.runnerMemoryMb ? BigInt(project.runnerMemoryMb) * 1024n * 1024n : null,
      cpuLimitPercent: project.runnerCpuPercent,
    });
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: "runner.launched",
      entityType: "runner",
      entityId: created.id,
      data: {
        projectId: project.id,
        nodeId: placed,
        mode: input.mode,
        sessionId: plan.sessionId,
        ...(plan.parentId ? { forkedFrom: plan.parentId } : {}),
      },
    });
    announceRunner(outbox, seq, created);
    return created;
  });
  const dispatched = dispatchToAgent(deps, actor, runner, project.path, plan.spec);
  if (input.wait !== "accepted") return dispatched;
  // The caller has its `starting` runner; the outcome is recorded on the row either way
  // (`running`, or `failed` with the agent's reason) and announced, so nothing is lost here.
  void deps.fleet.track(dispatched).catch((err: unknown) =>
    deps.log(err instanceof AppError ? "info" : "error", "a launch answered early did not start", {
      runnerId: runner.id,
      error: String(err),
    }),
  );
  return runner;
}
