import { percentText, type AnnouncedEvent, type Severity } from "@stratavore/contracts";

interface Entry {
  event: AnnouncedEvent;
  severity: Severity;
  /** A one-line title; `d` is the audit event's data, `name` the entity's display name. */
  title: (d: Record<string, unknown>, name: string) => string;
}

/** What the watchdog did about it, when more than announcing. */
const act = (d: Record<string, unknown>) =>
  d["action"] === "restart" ? " (restarting it)" : d["action"] === "pause" ? " (paused)" : "";

/**
 * The email a lockout names, which a guesser chose: one no account has is said to be so (the
 * attacker review: "Sign-ins to ceo@… locked" for a made-up address). Events before `known`
 * was recorded say nothing either way.
 */
const lockedName = (d: Record<string, unknown>) =>
  `${String(d["email"] ?? "an account")}${d["known"] === false ? " (no such account)" : ""}`;

const pct = (d: Record<string, unknown>) =>
  typeof d["percent"] === "number" ? ` (${percentText(d["percent"], d["lowerBound"] === true)})` : "";

/**
 * Which audit events are announced, under which public name and severity. Audit types are
 * internal and finer (`runner.terminated` vs `runner.failed`); announced names are the
 * contract receivers bind to (routing keys, webhook `event`), so they are mapped here once.
 */
const CATALOG: Record<string, Entry> = {
  "runner.started": { event: "runner.started", severity: "info", title: (_, n) => `Runner ${n} started` },
  "runner.adopted": { event: "runner.started", severity: "info", title: (_, n) => `Runner ${n} running again` },
  "runner.terminated": { event: "runner.stopped", severity: "info", title: (_, n) => `Runner ${n} stopped` },
  "runner.failed": { event: "runner.failed", severity: "critical", title: (_, n) => `Runner ${n} failed` },
  "runner.lost": { event: "runner.lost", severity: "warning", title: (_, n) => `Runner ${n} lost contact` },
  "runner.crash_looped": {
    event: "runner.crash_looping",
    severity: "critical",
    title: (d, n) => `Runner ${n} is crash-looping: failed again after ${String(d["restarts"] ?? "its")} restarts`,
  },
  "runner.restart_abandoned": {
    event: "runner.crash_looping",
    severity: "critical",
    title: (_, n) => `Runner ${n} is crash-looping; restarts stopped`,
  },
  "runner.paused": {
    event: "runner.paused",
    severity: "warning",
    title: (d, n) => {
      const reason = typeof d["reason"] === "string" ? d["reason"] : "";
      return `Runner ${n} ${reason.startsWith("paused") ? reason : reason ? `paused: ${reason}` : "paused"}`;
    },
  },
  "runner.waiting": {
    event: "runner.waiting",
    severity: "warning",
    title: (d, n) => `Runner ${n} is waiting for you${typeof d["question"] === "string" ? `: ${d["question"]}` : ""}`,
  },
  "runner.stalled": {
    event: "runner.stalled",
    severity: "warning",
    title: (d, n) => `Runner ${n} is stalled: ${String(d["detail"] ?? "")}${act(d)}`,
  },
  "runner.error_loop": {
    event: "runner.error_loop",
    severity: "critical",
    title: (d, n) => `Runner ${n} is looping on API errors: ${String(d["detail"] ?? "")}${act(d)}`,
  },
  "budget.warning": {
    event: "budget.warning",
    severity: "warning",
    title: (d, n) => `Budget ${n} passed its warning threshold${pct(d)}`,
  },
  "budget.exceeded": {
    event: "budget.exceeded",
    severity: "critical",
    title: (d, n) => `Budget ${n} reached its limit${pct(d)}; action: ${String(d["action"] ?? "notify")}`,
  },
  "budget.released": {
    event: "budget.released",
    severity: "info",
    title: (_, n) => `Budget ${n} released its runners`,
  },
  "node.offline": { event: "node.offline", severity: "warning", title: (_, n) => `Node ${n} went offline` },
  "node.disconnected": { event: "node.offline", severity: "warning", title: (_, n) => `Node ${n} disconnected` },
  "node.online": { event: "node.online", severity: "info", title: (_, n) => `Node ${n} is back online` },
  "node.connected": { event: "node.online", severity: "info", title: (_, n) => `Node ${n} connected` },
  "node.revoked": { event: "node.revoked", severity: "critical", title: (_, n) => `Node ${n} was revoked` },
  "import.finished": {
    event: "import.finished",
    severity: "info",
    title: (d) =>
      `Import finished: ${String(d["sessions"] ?? 0)} sessions, ${String(d["recordsChanged"] ?? 0)} usage records`,
  },
  "auth.locked_out": {
    event: "auth.locked_out",
    severity: "warning",
    // Events before the scope was recorded were account locks or address locks alike: "locked" says no more than that.
    title: (d) =>
      d["scope"] === "address"
        ? `Sign-ins to ${lockedName(d)} from ${String(d["address"] ?? "one address")} locked after repeated failures (other addresses still sign in)`
        : d["scope"] === "account"
          ? `Sign-ins to ${lockedName(d)} locked for everyone after repeated failures from many addresses`
          : `Sign-ins to ${lockedName(d)} locked after repeated failures`,
  },
  "audit.chain_broken": {
    event: "audit.chain_broken",
    severity: "critical",
    title: (d) => `Audit chain verification failed at event #${String(d["firstBrokenSeq"] ?? "?")}`,
  },
};

/**
 * In-app, these reach administrators only: a lockout names an account, and the audit log a
 * broken chain points at is theirs alone. External channels are admin-managed already.
 */
export const ADMIN_ONLY_EVENTS: ReadonlySet<AnnouncedEvent> = new Set(["auth.locked_out", "audit.chain_broken"]);
/**
 * In-app, only the user who launched the runner (a question is theirs to answer); everyone when
 * nobody did (a pool's or a restart's runner). External channels take them as configured.
 */
export const LAUNCHER_ONLY_EVENTS: ReadonlySet<AnnouncedEvent> = new Set(["runner.waiting"]);

export function catalogEntry(auditType: string): Entry | null {
  return CATALOG[auditType] ?? null;
}

/** Audit types that are announced (the dispatcher skips the rest). */
export const ANNOUNCED_AUDIT_TYPES = Object.keys(CATALOG);
