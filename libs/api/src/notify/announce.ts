import type { Announcement } from "@stratavore/contracts";
import { displayNames, type Db, type EventLogRow } from "@stratavore/db";
import { catalogEntry } from "./catalog.ts";

/** Dashboard path of the thing an event concerns. */
function linkOf(row: EventLogRow, projectName: string | null): string | null {
  const id = row.entityId;
  switch (row.entityType) {
    case "runner":
      return id ? `/runners/${id}` : "/runners";
    case "budget":
      return id ? `/budgets#budget-${id}` : "/budgets";
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
  const wanted = rows.flatMap((r) => {
    const entry = catalogEntry(r.type);
    return entry ? [{ row: r, entry }] : [];
  });
  const names = await displayNames(
    db,
    [...new Set(wanted.flatMap(({ row }) => (row.projectId ? [row.projectId] : [])))],
    [...new Set(wanted.flatMap(({ row }) => (row.entityId ? [row.entityId] : [])))],
  );
  return wanted.map(({ row, entry }) => {
    const data = (row.data && typeof row.data === "object" ? row.data : {}) as Record<string, unknown>;
    const pName = row.projectId ? (names.projects.get(row.projectId) ?? null) : null;
    const display =
      row.entityType === "runner"
        ? `${pName ?? "?"}/${(row.entityId ?? "").slice(0, 8)}`
        : (names.entities.get(row.entityId ?? "") ??
          (typeof data["name"] === "string" ? data["name"] : (row.entityId ?? "")));
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
  return u.pathname + u.search + u.hash;
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
