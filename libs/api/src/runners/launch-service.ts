import { randomUUID } from "node:crypto";
import { AppError, type LaunchCommand, type Runner, type RunnerLaunchInput } from "@stratavore/contracts";
import {
  abandonWaitingRestarts,
  ensureSession,
  findNode,
  findProject,
  insertRunner,
  latestProjectSession,
  moveTask,
  projectNodeLabels,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { launchAllowances, pushAllowances } from "../budgets/policy/allowances.ts";
import { admit, admitting } from "./admission.ts";
import type { ApiDeps } from "../deps.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { announceRunner, moveRunner } from "./runner-events.ts";
import { restoreTranscript } from "./restore-service.ts";
import { pluginAdditions } from "../plugins/launch-additions.ts";
import { inTransaction } from "../shared/transaction.ts";

type LaunchRequest = Omit<Required<RunnerLaunchInput>, "resumeSessionId" | "model" | "prompt" | "node" | "wait"> &
  Pick<RunnerLaunchInput, "resumeSessionId" | "model" | "prompt" | "node" | "wait">;

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
  /** A move's relaunch: its flags already hold what plugins added, its tags are kept. */
  opts: { inherit?: { tags: string[] } } = {},
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
  const labels = [...new Set([...(await projectNodeLabels(deps.db, project.id)), ...input.labels])];

  const runner = await admitting(deps, project.id, async (tx, outbox) => {
    const resumeInPlace = !plan.parentId && plan.spec.mode === "resume";
    const placed = await admit(deps, tx, {
      project,
      labels,
      requiredNodeId: nodeId,
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

interface SessionPlan {
  /** The session the runner will write to, fixed before claude starts. */
  sessionId: string;
  /** A fork's parent. */
  parentId: string | null;
  spec: { mode: "new" | "resume"; sessionId: string; forkSessionId?: string };
}

/**
 * Every launch names its session before claude starts (DESIGN §2): new → a fresh id;
 * continue → the project's latest session, resolved here rather than by `claude -c`;
 * resume → that id; a fork → a fresh id branched from it with `--fork-session --session-id`.
 */
async function planSession(
  deps: ApiDeps,
  projectId: string,
  projectName: string,
  input: LaunchRequest,
): Promise<SessionPlan> {
  if (input.mode === "new") {
    const id = randomUUID();
    return { sessionId: id, parentId: null, spec: { mode: "new", sessionId: id } };
  }
  const from = input.mode === "resume" ? input.resumeSessionId : await latestProjectSession(deps.db, projectId);
  if (!from)
    throw new AppError("NOT_FOUND", `Project '${projectName}' has no session to continue yet; launch a new one.`);
  if (input.fork) {
    const id = randomUUID();
    return { sessionId: id, parentId: from, spec: { mode: "resume", sessionId: from, forkSessionId: id } };
  }
  return { sessionId: from, parentId: null, spec: { mode: "resume", sessionId: from } };
}

const AGENT_CODES = {
  PATH_MISSING: "PATH_MISSING",
  AT_CAPACITY: "NODE_UNAVAILABLE",
  DUPLICATE: "CONFLICT",
  SPAWN_FAILED: "NODE_UNAVAILABLE",
  UNREACHABLE: "NODE_UNAVAILABLE",
} as const;

/** Sends a `starting` runner to its node and records the outcome. Also used by restarts. */
export async function dispatchToAgent(
  deps: ApiDeps,
  actor: Actor,
  runner: Runner,
  cwd: string,
  session: SessionPlan["spec"],
  opts: { restart?: boolean } = {},
): Promise<Runner> {
  const cmd: LaunchCommand = {
    runnerId: runner.id,
    cwd,
    spec: {
      ...session,
      model: runner.model ?? undefined,
      // A restart resumes the conversation; sending the first task again would repeat its work.
      prompt: opts.restart ? undefined : (runner.prompt ?? undefined),
      extraArgs: runner.flags,
    },
    limits:
      runner.memoryLimitBytes || runner.cpuLimitPercent
        ? { memoryBytes: runner.memoryLimitBytes ?? undefined, cpuPercent: runner.cpuLimitPercent ?? undefined }
        : undefined,
    // Watched from its first response; without it, a loaded server's delay is unwatched spend.
    allowances: await launchAllowances(deps, runner).catch((err: unknown) => {
      deps.log("warn", "computing a launch's budget allowances failed; the push after its start covers it", {
        runnerId: runner.id,
        error: String(err),
      });
      return undefined;
    }),
    cols: 120,
    rows: 32,
  };
  const nodeId = runner.nodeId;
  if (!nodeId) throw new AppError("NO_NODE_AVAILABLE", "The runner has no node.");
  deps.fleet.setOwner(runner.id, nodeId);
  // Resuming on a machine that never saw (or has since deleted) the transcript: put it back first.
  const resumeId = session.mode === "resume" ? session.sessionId : null;
  if (resumeId) {
    try {
      await restoreTranscript(deps, nodeId, resumeId, cwd);
    } catch (err) {
      // The row is committed as `starting`: never leave it there holding a quota slot.
      const failed = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
        moveRunner(deps, tx, outbox, null, {
          runnerId: runner.id,
          from: ["starting"],
          data: {
            status: "failed",
            endedAt: new Date(),
            endReason: `restore failed: ${err instanceof Error ? err.message : String(err)}`,
          },
          event: "runner.failed",
        }),
      );
      if (failed) deps.metrics.runnerEnds.inc({ status: "failed", cause: "launch_error" });
      throw err;
    }
  }
  const ack = await deps.fleet.agents.launch(nodeId, cmd, deps.fleet.config.agentAckTimeoutMs);
  const moved = await inTransaction(deps.db, deps.bus, (tx, outbox) =>
    ack.ok
      ? moveRunner(
          deps,
          tx,
          outbox,
          { nodeId },
          {
            runnerId: runner.id,
            from: ["starting"],
            data: { status: "running", pid: ack.pid, startedAt: new Date(), lastHeartbeatAt: new Date() },
            event: "runner.started",
            details: { pid: ack.pid },
          },
        )
      : moveRunner(
          deps,
          tx,
          outbox,
          { nodeId },
          {
            runnerId: runner.id,
            from: ["starting"],
            data: { status: "failed", endedAt: new Date(), endReason: `${ack.code.toLowerCase()}: ${ack.message}` },
            event: "runner.failed",
            details: { code: ack.code },
          },
        ),
  );
  if (!ack.ok && moved) deps.metrics.runnerEnds.inc({ status: "failed", cause: "launch_error" });
  // The agent may have spawned it anyway (its answer was lost) or the row moved meanwhile (a
  // stop, a budget): either way no process may run that the database does not call active.
  if ((ack.ok && !moved) || (!ack.ok && (ack.code === "SPAWN_FAILED" || ack.code === "UNREACHABLE")))
    void deps.fleet.agents.signal(nodeId, { runnerId: runner.id, action: "kill" }, 5000);
  if (!ack.ok) throw new AppError(AGENT_CODES[ack.code], ack.message, { runnerId: runner.id, agentCode: ack.code });
  // Its share of the budgets over it, and everyone else's smaller share, from the start.
  if (moved)
    await pushAllowances(deps, [moved.projectId]).catch((err: unknown) =>
      deps.log("warn", "sending budget allowances failed", { error: String(err) }),
    );
  return moved ?? runner;
}

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
  const sessionId = randomUUID();
  const added = await pluginAdditions(deps, {
    project: { id: project.id, name: project.name, path: project.path },
    model: req.task?.model ?? null,
    prompt: req.task?.prompt ?? null,
    flags: req.task?.flags ?? [],
    pooled: true,
  });
  const runner = await admitting(deps, project.id, async (tx, outbox) => {
    const placed = await admit(deps, tx, { project, labels, maxLoad: req.maxLoad });
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
