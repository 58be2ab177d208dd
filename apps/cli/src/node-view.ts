import type { JoinToken, Node } from "@stratavore/contracts";
import { fields, formatDate, formatList, table } from "./output.ts";

/** A revoked node is stored as offline; people need to see why it never comes back. */
export const nodeStatus = (n: Node) => (n.revokedAt ? "revoked" : n.status);
const versions = (n: Node) => `agent ${n.agentVersion}, claude ${n.claudeVersion ?? "?"}`;
/** cgroup-v1 / cgroup-v2, or "signals" where pause falls back to SIGSTOP (and fails a running tool). */
const isolation = (n: Node) =>
  !n.capabilities ? "-" : n.capabilities.isolation === "none" ? "none (pause: signals)" : n.capabilities.isolation;

export function nodeTable(nodes: Node[]): string {
  return table(
    ["NAME", "STATUS", "CONNECTED", "RUNNERS", "LABELS", "ISOLATION", "VERSIONS", "LAST SEEN"],
    nodes.map((n) => [
      n.name,
      nodeStatus(n),
      n.connected ? "yes" : "no",
      `${n.activeRunners}/${n.capacity}`,
      formatList(n.labels),
      isolation(n),
      versions(n),
      formatDate(n.lastSeenAt),
    ]),
  );
}

export function nodeDetail(n: Node): string {
  return fields([
    ["Name", n.name],
    ["ID", n.id],
    ["Hostname", n.hostname],
    ["Status", nodeStatus(n)],
    ["Connected", n.connected ? "yes" : "no"],
    ["Runners", `${n.activeRunners} active / ${n.capacity} capacity`],
    ["Spooled", n.spooledItems ? `${n.spooledItems} waiting for the server` : "none"],
    ["Set aside", n.deadLetters ? `${n.deadLetters} refused for good (the agent's dead-letters.jsonl)` : "none"],
    ["Labels", formatList(n.labels)],
    ["Isolation", n.capabilities ? `${isolation(n)}; ${n.capabilities.detail}` : "- (not reported)"],
    ["Agent version", n.agentVersion],
    ["Claude version", n.claudeVersion ?? "-"],
    ["Last seen", formatDate(n.lastSeenAt)],
    ["Joined", formatDate(n.createdAt)],
    ["Revoked", formatDate(n.revokedAt)],
  ]);
}

export function joinTokenStatus(t: JoinToken, now = Date.now()): string {
  if (t.revokedAt) return "revoked";
  if (t.usedAt) return "used";
  return t.expiresAt.getTime() <= now ? "expired" : "unused";
}

export function joinTokenTable(tokens: JoinToken[], now = Date.now()): string {
  return table(
    ["ID", "STATUS", "EXPIRES", "USED", "NODE", "CREATED"],
    tokens.map((t) => [
      t.id,
      joinTokenStatus(t, now),
      formatDate(t.expiresAt),
      formatDate(t.usedAt),
      t.nodeName ?? "-",
      formatDate(t.createdAt),
    ]),
  );
}
