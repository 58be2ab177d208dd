import type { Announcement } from "@stratavore/contracts";
import type { Db, EventLogRow } from "@stratavore/db";
import { catalogEntry } from "./catalog.ts";

/** Dashboard path of the thing an event concerns. */
function linkOf(row: EventLogRow, projectName: string | null): string | null {
  const id = row.entityId;
  switch (row.entityType) {
    case "runner":
      return id ? `/runners/${id}` : "/runners";
    case "budget":
      return "/budgets";
    case "node":
      return "/nodes";
    case "project":
      return projectName ? `/projects/${encodeURIComponent(projectName)}` : "/projects";
    case "session":
      return id ? `/sessions/${encodeURIComponent(id)}` : "/sessions";
    case "user":
      return "/settings/users";
    case "audit":
      return "/settings/audit";
    default:
      return projectName ? `/projects/${encodeURIComponent(projectName)}` : null;
  }
}

/**
 * Turns announced audit events into announcements, resolving the names people read (project,
 * node, budget) in a few batched queries. Events not in the catalog are left out.
 */
export async function announcementsFor(db: Db, rows: EventLogRow[], publicUrl: string): Promise<Announcement[]> {
  const wanted = rows.filter((r) => catalogEntry(r.type));
  const ids = (type: string) => [...new Set(wanted.filter((r) => r.entityType === type && r.entityId).map((r) => r.entityId!))];
  const projectIds = [...new Set(wanted.map((r) => r.projectId).filter((p): p is string => !!p))];
  const uuid = /^[0-9a-f-]{36}$/i;
  const [projects, nodes, budgets] = await Promise.all([
    db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } }),
    db.node.findMany({ where: { id: { in: ids("node").filter((i) => uuid.test(i)) } }, select: { id: true, name: true } }),
    db.budget.findMany({ where: { id: { in: ids("budget").filter((i) => uuid.test(i)) } }, select: { id: true, name: true } }),
  ]);
  const projectName = new Map(projects.map((p) => [p.id, p.name]));
  const names = new Map<string, string>([...nodes, ...budgets].map((x) => [x.id, x.name]));
  return wanted.map((row) => {
    const entry = catalogEntry(row.type)!;
    const data = (row.data && typeof row.data === "object" ? row.data : {}) as Record<string, unknown>;
    const pName = row.projectId ? (projectName.get(row.projectId) ?? null) : null;
    const display =
      row.entityType === "runner"
        ? `${pName ?? "?"}/${(row.entityId ?? "").slice(0, 8)}`
        : (names.get(row.entityId ?? "") ?? (typeof data["name"] === "string" ? data["name"] : (row.entityId ?? "")));
    const link = linkOf(row, pName);
    return {
      seq: row.seq,
      event: entry.event,
      severity: entry.severity,
      title: entry.title(data, display),
      url: link ? new URL(link, publicUrl).toString() : null,
      project: row.projectId && pName ? { id: row.projectId, name: pName } : null,
      entity: { type: row.entityType, id: row.entityId },
      occurredAt: row.createdAt.toISOString(),
      data,
    };
  });
}

/** The dashboard path inside an announcement's absolute URL. */
export function pathOf(a: Announcement): string | null {
  if (!a.url) return null;
  const u = new URL(a.url);
  return u.pathname + u.search;
}

/** A synthetic announcement for a channel's "send test". */
export function testAnnouncement(channelName: string, publicUrl: string): Announcement {
  return {
    seq: 0,
    event: "channel.test",
    severity: "info",
    title: `Test message for channel ${channelName}`,
    url: new URL("/settings/notifications", publicUrl).toString(),
    project: null,
    entity: { type: "channel", id: null },
    occurredAt: new Date().toISOString(),
    data: {},
  };
}
