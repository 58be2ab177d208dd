import { ACTIVE_RUNNER_STATUSES, type Project, type ProjectStats, type ProjectStatus } from "@stratavore/contracts";
import type { Prisma } from "../generated/prisma/client.ts";
import { isUuid } from "./ids.ts";
import type { Tx } from "./tx.ts";

const activeRunnerWhere = { status: { in: [...ACTIVE_RUNNER_STATUSES] } };

const projectSelect = {
  id: true,
  name: true,
  path: true,
  description: true,
  tags: true,
  maxRunners: true,
  runnerMemoryMb: true,
  runnerCpuPercent: true,
  watchdogStallSeconds: true,
  watchdogOnStall: true,
  watchdogOnErrorLoop: true,
  archivedAt: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { runners: { where: activeRunnerWhere } } },
} as const;

type ProjectRow = Prisma.ProjectGetPayload<{ select: typeof projectSelect }>;

/**
 * The stored column only knows archived or not; `active` vs `idle` is derived from runners,
 * so it can never drift from reality.
 */
export function toProject(row: ProjectRow): Project {
  const activeRunners = row._count.runners;
  const status: ProjectStatus = row.archivedAt ? "archived" : activeRunners > 0 ? "active" : "idle";
  const { _count: _c, watchdogOnStall, watchdogOnErrorLoop, ...rest } = row;
  return {
    ...rest,
    // Written only through the contract's enums; an unknown value reads as the safe default.
    watchdogOnStall: watchdogOnStall === "restart" ? "restart" : "notify",
    watchdogOnErrorLoop: watchdogOnErrorLoop === "pause" ? "pause" : "notify",
    status,
    activeRunners,
  };
}

export interface ProjectFilter {
  search?: string;
  status?: ProjectStatus;
  tag?: string;
  includeArchived?: boolean;
}

function whereFor(f: ProjectFilter): Prisma.ProjectWhereInput {
  const and: Prisma.ProjectWhereInput[] = [];
  if (f.search) {
    const contains = { contains: f.search, mode: "insensitive" as const };
    and.push({ OR: [{ name: contains }, { description: contains }, { path: contains }] });
  }
  if (f.tag) and.push({ tags: { has: f.tag } });
  if (f.status === "archived") and.push({ archivedAt: { not: null } });
  else if (f.status === "active") and.push({ archivedAt: null, runners: { some: activeRunnerWhere } });
  else if (f.status === "idle") and.push({ archivedAt: null, runners: { none: activeRunnerWhere } });
  else if (!f.includeArchived) and.push({ archivedAt: null });
  return { AND: and };
}

export async function listProjects(db: Tx, filter: ProjectFilter): Promise<Project[]> {
  const rows = await db.project.findMany({
    where: whereFor(filter),
    select: projectSelect,
    orderBy: { name: "asc" },
    take: 500,
  });
  return rows.map(toProject);
}

/** A project reference is its id or its unique name. */
export async function findProject(db: Tx, ref: string): Promise<Project | null> {
  const where = isUuid(ref) ? { id: ref } : { name: ref.toLowerCase() };
  const row = await db.project.findUnique({ where, select: projectSelect });
  return row ? toProject(row) : null;
}

export async function findProjectsByIds(db: Tx, ids: string[]): Promise<Project[]> {
  const rows = await db.project.findMany({ where: { id: { in: ids } }, select: projectSelect });
  return rows.map(toProject);
}

export async function insertProject(
  db: Tx,
  data: {
    name: string;
    path: string;
    description: string;
    tags: string[];
    maxRunners: number;
    runnerMemoryMb?: number | null;
    runnerCpuPercent?: number | null;
  },
): Promise<Project> {
  return toProject(await db.project.create({ data, select: projectSelect }));
}

export async function updateProject(
  db: Tx,
  id: string,
  data: Partial<{
    name: string;
    path: string;
    description: string;
    tags: string[];
    maxRunners: number;
    runnerMemoryMb: number | null;
    runnerCpuPercent: number | null;
    watchdogStallSeconds: number;
    watchdogOnStall: string;
    watchdogOnErrorLoop: string;
    archivedAt: Date | null;
    status: "active" | "archived";
  }>,
): Promise<Project> {
  return toProject(await db.project.update({ where: { id }, data, select: projectSelect }));
}

export async function deleteProjectRow(db: Tx, id: string): Promise<void> {
  await db.project.delete({ where: { id } });
}

export async function countActiveRunners(db: Tx, projectId: string): Promise<number> {
  return db.runner.count({ where: { projectId, ...activeRunnerWhere } });
}

/** Derived from the rows themselves (runners, sessions, the usage ledger), never from counters. */
export async function projectStats(db: Tx, projectId: string): Promise<ProjectStats> {
  const [activeRunners, totalRunners, sessions, usage, lastRunner] = await Promise.all([
    db.runner.count({ where: { projectId, ...activeRunnerWhere } }),
    db.runner.count({ where: { projectId } }),
    db.session.count({ where: { projectId } }),
    db.usageRecord.aggregate({
      where: { projectId },
      _sum: { totalTokens: true, costUsd: true },
      _max: { occurredAt: true },
    }),
    db.runner.findFirst({ where: { projectId }, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
  ]);
  const times = [usage._max.occurredAt, lastRunner?.createdAt].filter((d): d is Date => d instanceof Date);
  return {
    activeRunners,
    totalRunners,
    sessions,
    totalTokens: Number(usage._sum.totalTokens ?? 0n),
    costUsd: Number(usage._sum.costUsd ?? 0),
    lastActivityAt: times.length ? new Date(Math.max(...times.map((d) => d.getTime()))) : null,
  };
}

/** The node labels every runner of a project needs. */
export async function projectNodeLabels(db: Tx, id: string): Promise<string[]> {
  return (await db.project.findUnique({ where: { id }, select: { nodeLabels: true } }))?.nodeLabels ?? [];
}

/** The oldest project registered at a path (imports attach sessions by their cwd). */
export async function projectIdByPath(db: Tx, path: string): Promise<string | null> {
  return (await projectsByPaths(db, [path])).get(path)?.id ?? null;
}

/** Per path, the project an import attaches its sessions to — the oldest there — with its name. */
export async function projectsByPaths(
  db: Tx,
  paths: readonly string[],
): Promise<Map<string, { id: string; name: string; path: string }>> {
  const rows = await db.project.findMany({
    where: { path: { in: [...paths] } },
    select: { id: true, name: true, path: true },
    orderBy: { createdAt: "desc" },
  });
  // Newest first, so the oldest at each path is set last and wins.
  return new Map(rows.map((r) => [r.path, r]));
}

export async function projectNameTaken(db: Tx, name: string): Promise<boolean> {
  return (await db.project.count({ where: { name } })) > 0;
}

/** A project made by an import: its name and path from the session's cwd, tagged "imported". */
export async function insertImportedProject(db: Tx, name: string, path: string): Promise<string> {
  const p = await db.project.create({
    data: { name, path, description: "Created by import of existing Claude Code history", tags: ["imported"] },
    select: { id: true },
  });
  return p.id;
}

export async function projectPathOf(db: Tx, id: string): Promise<string | null> {
  return (await db.project.findUnique({ where: { id }, select: { path: true } }))?.path ?? null;
}

export async function projectNameOf(db: Tx, id: string): Promise<string | null> {
  return (await db.project.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;
}
