import { AppError, type Pool, poolSetInput, type ScalingDecision, scalingDecisionSchema } from "@stratavore/contracts";
import { findPool, findProject, listEventLog, pooledRunnersOf, queueStats, upsertPool } from "@stratavore/db";
import type { z } from "zod";
import type { ApiDeps } from "../deps.ts";
import { audit, type Actor } from "../shared/audit.ts";
import { inTransaction } from "../shared/transaction.ts";
import { announcePool, hashHookSecret, newHookSecret } from "./tasks-service.ts";

/** A project without a pool policy shows these (disabled: nothing starts until one is set). */
const DEFAULT_POOL = {
  enabled: false,
  minRunners: 0,
  maxRunners: 3,
  idleTimeoutSec: 300,
  nodeLabels: [] as string[],
  maxNodeCpuPercent: 90,
  maxNodeMemoryPercent: 90,
};

async function projectOf(deps: ApiDeps, ref: string) {
  const project = await findProject(deps.db, ref);
  if (!project) throw new AppError("NOT_FOUND", `No project '${ref}'.`);
  return project;
}

/** The pool's policy, its runners and queue now, and its last 20 scaling decisions. */
export async function getPool(deps: ApiDeps, ref: string): Promise<Pool> {
  const project = await projectOf(deps, ref);
  const [row, runners, stats, events] = await Promise.all([
    findPool(deps.db, project.id),
    pooledRunnersOf(deps.db, project.id),
    queueStats(deps.db, project.id),
    listEventLog(deps.db, { types: ["pool.scaled"], entityType: "pool", entityId: project.id, limit: 20 }),
  ]);
  const policy = row
    ? {
        enabled: row.enabled,
        minRunners: row.minRunners,
        maxRunners: row.maxRunners,
        idleTimeoutSec: row.idleTimeoutSec,
        nodeLabels: row.nodeLabels,
        maxNodeCpuPercent: row.maxNodeCpuPercent,
        maxNodeMemoryPercent: row.maxNodeMemoryPercent,
      }
    : DEFAULT_POOL;
  const live = runners.filter((r) => r.status !== "stopping");
  return {
    ...policy,
    projectId: project.id,
    projectName: project.name,
    hasHook: Boolean(row?.hookTokenHash),
    working: live.filter((r) => r.taskId).length,
    idle: live.filter((r) => !r.taskId).length,
    ...stats,
    decisions: events.flatMap((e) => {
      const d = e.data as { action?: unknown; count?: unknown; reason?: unknown; inputs?: unknown };
      const parsed = scalingDecisionSchema.safeParse({ seq: e.seq, at: e.createdAt, ...d, inputs: d.inputs ?? {} });
      return parsed.success ? [parsed.data as ScalingDecision] : [];
    }),
  };
}

export async function setPool(deps: ApiDeps, actor: Actor, input: z.infer<typeof poolSetInput>): Promise<Pool> {
  const project = await projectOf(deps, input.project);
  const { project: _ref, ...given } = input;
  // Options not given (sent as undefined by some clients) keep their current value.
  const changes = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined));
  const current = await getPool(deps, project.id);
  const next = { ...pick(current), ...changes };
  if (next.minRunners > next.maxRunners)
    throw new AppError(
      "VALIDATION",
      `minRunners (${next.minRunners}) cannot be above maxRunners (${next.maxRunners}).`,
    );
  await inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    await upsertPool(tx, project.id, { ...next, lastDecision: null });
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: "pool.updated",
      entityType: "pool",
      entityId: project.id,
      projectId: project.id,
      data: next,
    });
    announcePool(outbox, seq, project.id);
  });
  return getPool(deps, project.id);
}

const pick = (p: Pool) => ({
  enabled: p.enabled,
  minRunners: p.minRunners,
  maxRunners: p.maxRunners,
  idleTimeoutSec: p.idleTimeoutSec,
  nodeLabels: p.nodeLabels,
  maxNodeCpuPercent: p.maxNodeCpuPercent,
  maxNodeMemoryPercent: p.maxNodeMemoryPercent,
});

/**
 * A new secret for the project's task webhook (the old one stops working): POST a task's
 * JSON fields to `<server>/hooks/tasks/<secret>`. Only its hash is kept; it is shown once.
 */
export async function rotatePoolHook(deps: ApiDeps, actor: Actor, ref: string, publicUrl: string) {
  const project = await projectOf(deps, ref);
  const current = await getPool(deps, project.id);
  const secret = newHookSecret();
  await inTransaction(deps.db, deps.bus, async (tx) => {
    await upsertPool(tx, project.id, { ...pick(current), hookTokenHash: hashHookSecret(secret) });
    await audit(tx, deps.config.auditKey, actor, {
      type: "pool.hook_rotated",
      entityType: "pool",
      entityId: project.id,
      projectId: project.id,
      data: {},
    });
  });
  return { url: `${publicUrl.replace(/\/$/, "")}/hooks/tasks/${secret}`, secret };
}
