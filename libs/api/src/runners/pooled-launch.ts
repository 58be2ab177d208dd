import { randomUUID } from "node:crypto";
import { AppError, type Runner } from "@stratavore/contracts";
import { ensureSession, findProject, insertRunner, moveTask, projectNodeLabels } from "@stratavore/db";
import type { ApiDeps } from "../deps.ts";
import { pluginAdditions } from "../plugins/launch-additions.ts";
import { audit } from "../shared/audit.ts";
import { admit, admitting } from "./admission.ts";
import { launchAvoidance } from "./folder-placement.ts";
import { dispatchToAgent } from "./agent-dispatch.ts";
import { announceRunner } from "./runner-events.ts";

/** What a pool asks of a launch (tasks/pool-scaler.ts). */
export interface PooledLaunch {
  project: { id: string; name: string };
  labels: string[];
  maxLoad: { cpuPercent: number; memoryPercent: number };
  /** The queued task it takes (moved to `running` in the same transaction), or none: a warm runner. */
  task: { id: string; prompt: string; model: string | null; flags: string[] } | null;
}

/**
 * A pool's runner: a new session started by the system through the same admission path
 * (quota, budgets, placement — here also the pool's node load thresholds). A task cancelled
 * meanwhile rolls the launch back. Answers once the row is committed; the agent's answer is
 * recorded on it like any launch's.
 */
export async function launchPooled(deps: ApiDeps, req: PooledLaunch): Promise<Runner> {
  const project = await findProject(deps.db, req.project.id);
  if (!project) throw new AppError("NOT_FOUND", `No project '${req.project.name}'.`);
  const labels = [...new Set([...(await projectNodeLabels(deps.db, project.id)), ...req.labels])];
  const folder = await launchAvoidance(deps, project.path, labels);
  const sessionId = randomUUID();
  const added = await pluginAdditions(deps, {
    project: { id: project.id, name: project.name, path: project.path },
    model: req.task?.model ?? null,
    prompt: req.task?.prompt ?? null,
    flags: req.task?.flags ?? [],
    pooled: true,
  });
  const runner = await admitting(deps, project.id, async (tx, outbox) => {
    const placed = await admit(deps, tx, { project, labels, folder, maxLoad: req.maxLoad });
    await ensureSession(tx, { id: sessionId, projectId: project.id, nodeId: placed, cwd: project.path });
    const created = await insertRunner(tx, {
      projectId: project.id,
      nodeId: placed,
      status: "starting",
      conversationMode: "new",
      sessionId,
      model: req.task?.model ?? null,
      prompt: req.task?.prompt ?? null,
      flags: [...(req.task?.flags ?? []), ...added.flags],
      tags: added.tags,
      labels,
      pooled: true,
      taskId: req.task?.id ?? null,
      memoryLimitBytes: project.runnerMemoryMb ? BigInt(project.runnerMemoryMb) * 1024n * 1024n : null,
      cpuLimitPercent: project.runnerCpuPercent,
    });
    if (
      req.task &&
      !(await moveTask(tx, req.task.id, ["queued"], { status: "running", runnerId: created.id, startedAt: new Date() }))
    )
      throw new AppError("CONFLICT", "The task left the queue before its runner started.");
    if (req.task)
      await audit(tx, deps.config.auditKey, null, {
        type: "task.started",
        entityType: "task",
        entityId: req.task.id,
        projectId: project.id,
        data: { runnerId: created.id, sessionId },
      });
    const seq = await audit(tx, deps.config.auditKey, null, {
      type: "runner.launched",
      entityType: "runner",
      entityId: created.id,
      data: { projectId: project.id, nodeId: placed, mode: "new", sessionId, pool: true, taskId: req.task?.id ?? null },
    });
    announceRunner(outbox, seq, created);
    return created;
  });
  void deps.fleet
    .track(dispatchToAgent(deps, null, runner, project.path, { mode: "new", sessionId }))
    .catch((err: unknown) =>
      deps.log(err instanceof AppError ? "info" : "error", "a pool runner did not start", {
        runnerId: runner.id,
        error: String(err),
      }),
    );
  return runner;
}
