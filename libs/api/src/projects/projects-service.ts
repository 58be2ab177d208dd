import type { z } from "zod";
import {
  AppError,
  ROOMS,
  type Project,
  type ProjectDetail,
  type ProjectFolder,
  type projectCreateInput,
  type ProjectUpdateInput,
} from "@stratavore/contracts";
import {
  countActiveRunners,
  deleteProjectRow,
  eventsSince,
  findProject,
  findProjectsByIds,
  insertProject,
  latestEventSeq,
  listProjects,
  lockProjectRow,
  type ProjectFilter,
  projectNodeLabels,
  projectStats,
  updateProject,
} from "@stratavore/db";
import type { Principal } from "../auth/principal.ts";
import { checkedEvent, type OutgoingEvent } from "../realtime/bus.ts";
import type { ApiDeps } from "../deps.ts";
import { folderOnNodes } from "../runners/folder-placement.ts";
import { audit } from "../shared/audit.ts";
import { inTransaction, isUniqueViolation, type TxClient } from "../shared/transaction.ts";

export function listAllProjects(deps: ApiDeps, filter: ProjectFilter): Promise<Project[]> {
  return listProjects(deps.db, filter);
}

async function mustFind(db: ApiDeps["db"] | TxClient, ref: string): Promise<Project> {
  const project = await findProject(db, ref);
  if (!project) throw new AppError("NOT_FOUND", `No project '${ref}'.`);
  return project;
}

export async function getProjectDetail(deps: ApiDeps, ref: string): Promise<ProjectDetail> {
  const project = await mustFind(deps.db, ref);
  return { ...project, stats: await projectStats(deps.db, project.id) };
}

/** Which online nodes that could run the project's runners have its folder (asked of their agents). */
export async function projectFolder(deps: ApiDeps, ref: string): Promise<ProjectFolder> {
  const project = await mustFind(deps.db, ref);
  const nodes = await folderOnNodes(deps, project.path, await projectNodeLabels(deps.db, project.id));
  return { path: project.path, nodes };
}

/** Queues the list-level announcement of a project's new state, tagged with its audit seq. */
function announce(outbox: OutgoingEvent[], seq: number, project: Project): void {
  outbox.push(checkedEvent(ROOMS.fleet, "project:upsert", { seq, project }));
  outbox.push(checkedEvent(ROOMS.project(project.id), "project:upsert", { seq, project }));
}

async function withNameCheck<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("PROJECT_NAME_TAKEN");
    throw err;
  }
}

export function createProject(
  deps: ApiDeps,
  actor: Principal,
  input: z.output<typeof projectCreateInput>,
): Promise<Project> {
  return withNameCheck(() =>
    inTransaction(deps.db, deps.bus, async (tx, outbox) => {
      const project = await insertProject(tx, input);
      const seq = await audit(tx, deps.config.auditKey, actor, {
        type: "project.created",
        entityType: "project",
        entityId: project.id,
        data: { name: project.name },
      });
      announce(outbox, seq, project);
      return project;
    }),
  );
}

export function editProject(deps: ApiDeps, actor: Principal, input: ProjectUpdateInput): Promise<Project> {
  const { id, ...changes } = input;
  return withNameCheck(() =>
    inTransaction(deps.db, deps.bus, async (tx, outbox) => {
      await mustFind(tx, id);
      const project = await updateProject(tx, id, changes);
      const seq = await audit(tx, deps.config.auditKey, actor, {
        type: "project.updated",
        entityType: "project",
        entityId: id,
        data: { changed: Object.keys(changes) },
      });
      announce(outbox, seq, project);
      return project;
    }),
  );
}

export function setProjectArchived(deps: ApiDeps, actor: Principal, id: string, archived: boolean): Promise<Project> {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const current = await mustFind(tx, id);
    if (archived && (await countActiveRunners(tx, id)) > 0) {
      throw new AppError(
        "PROJECT_HAS_ACTIVE_RUNNERS",
        `Project '${current.name}' has active runners; stop them before archiving.`,
      );
    }
    const project = await updateProject(tx, id, {
      archivedAt: archived ? new Date() : null,
      status: archived ? "archived" : "active",
    });
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: archived ? "project.archived" : "project.unarchived",
      entityType: "project",
      entityId: id,
    });
    announce(outbox, seq, project);
    return project;
  });
}

export function deleteProject(deps: ApiDeps, actor: Principal, id: string): Promise<void> {
  return inTransaction(deps.db, deps.bus, async (tx, outbox) => {
    const project = await mustFind(tx, id);
    // Lock the row so a launch cannot slip in between the check and the delete.
    await lockProjectRow(tx, id);
    if ((await countActiveRunners(tx, id)) > 0) {
      throw new AppError(
        "PROJECT_HAS_ACTIVE_RUNNERS",
        `Project '${project.name}' has active runners; stop them before deleting.`,
      );
    }
    await deleteProjectRow(tx, id);
    const seq = await audit(tx, deps.config.auditKey, actor, {
      type: "project.deleted",
      entityType: "project",
      entityId: id,
      data: { name: project.name },
    });
    outbox.push(checkedEvent(ROOMS.fleet, "project:delete", { seq, id }));
  });
}

/** Backfill after a reconnect: the current state of every project changed after `afterSeq`. */
export async function projectChangesSince(deps: ApiDeps, afterSeq: number | undefined) {
  if (afterSeq === undefined)
    return { seq: await latestEventSeq(deps.db), upserted: [], deletedIds: [], hasMore: false };
  const limit = 1000;
  const events = await eventsSince(deps.db, "project", afterSeq, limit);
  // The cursor is the last event actually read, so a change committed meanwhile is never skipped.
  const seq = events.at(-1)?.seq ?? afterSeq;
  const ids = [...new Set(events.map((e) => e.entityId).filter((id): id is string => !!id))];
  const upserted = ids.length ? await findProjectsByIds(deps.db, ids) : [];
  const present = new Set(upserted.map((p) => p.id));
  return { seq, upserted, deletedIds: ids.filter((id) => !present.has(id)), hasMore: events.length === limit };
}
