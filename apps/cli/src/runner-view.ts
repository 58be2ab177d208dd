import { isActiveRunnerStatus, runnerDoing, runnerWhy, type Runner } from "@stratavore/contracts";
import { fields, formatBytes, formatDate, formatDuration, formatPercent, oneLine, table } from "./output.ts";
import { shortId } from "./runner-ref.ts";

export interface TimelineEntry {
  seq: number;
  type: string;
  at: Date;
  actor: string | null;
  data: Record<string, unknown>;
}

/** Time since start while active; afterwards how long it ran. */
export function runTime(r: Runner, now = Date.now()): string {
  if (!r.startedAt) return "-";
  if (isActiveRunnerStatus(r.status)) return formatDuration(now - r.startedAt.getTime());
  return r.endedAt ? formatDuration(r.endedAt.getTime() - r.startedAt.getTime()) : "-";
}

const uptime = (r: Runner, now: number) => (isActiveRunnerStatus(r.status) ? runTime(r, now) : "-");
const restarts = (r: Runner) => `${r.restartAttempts}/${r.maxRestarts}`;
const dash = (v: string | number | null | undefined) => (v === null || v === undefined || v === "" ? "-" : String(v));

/** "waiting for you: Do you want to proceed?", "working", "idle at the prompt" — while it runs. */
function doing(r: Runner): string {
  if (r.status !== "running" || r.activity === null) return "-";
  const d = runnerDoing(r);
  return d.attention && d.detail ? `${d.label.toLowerCase()}: ${oneLine(d.detail, 50)}` : d.label.toLowerCase();
}

export function runnerTable(runners: Runner[], now = Date.now()): string {
  return table(
    ["ID", "PROJECT", "NODE", "STATUS", "DOING", "PID", "CPU", "MEMORY", "UPTIME", "RESTARTS", "END REASON"],
    runners.map((r) => [
      shortId(r.id),
      r.projectName,
      dash(r.nodeName),
      r.status,
      doing(r),
      dash(r.pid),
      formatPercent(r.cpuPercent),
      formatBytes(r.memoryBytes),
      uptime(r, now),
      restarts(r),
      r.endReason ? oneLine(r.endReason, 60) : "-",
    ]),
  );
}

function doingDetail(r: Runner): string {
  const d = runnerDoing(r);
  const since = d.since ? ` (since ${formatDate(d.since)})` : "";
  return `${d.label}${d.detail ? `: ${oneLine(d.detail, 120)}` : ""}${since}`;
}

/** `terminated (stopped)`, `failed (exit code 1)`: one phrase for end-of-stream notices. */
export function describeEnd(r: Runner): string {
  const why = r.endReason ?? (r.exitCode !== null ? `exit code ${r.exitCode}` : null);
  return why ? `${r.status} (${oneLine(why, 120)})` : r.status;
}

/** The few lines a launch or a stop prints. */
export function runnerSummary(r: Runner): string {
  return fields([
    ["ID", r.id],
    ["Project", r.projectName],
    ["Node", dash(r.nodeName)],
    ["Status", r.status],
    ["PID", dash(r.pid)],
    ...(r.endReason ? ([["End reason", r.endReason]] as [string, string][]) : []),
  ]);
}

export function runnerDetail(r: Runner, timeline: TimelineEntry[], now = Date.now()): string {
  const detail = fields([
    ["ID", r.id],
    ["Project", r.projectName],
    ["Node", dash(r.nodeName)],
    ["Status", r.status],
    ["Why", runnerWhy(r, { at: formatDate, time: formatDate }) ?? "-"],
    ["Doing", doingDetail(r)],
    ["Mode", r.conversationMode],
    ["Session", dash(r.sessionId)],
    ...(r.pastSessionIds.length ? ([["Earlier sessions", r.pastSessionIds.join(", ")]] as [string, string][]) : []),
    ["Model", dash(r.model)],
    ["Prompt", r.prompt ? oneLine(r.prompt) : "-"],
    ["Claude flags", r.flags.length ? r.flags.join(" ") : "-"],
    ["PID", dash(r.pid)],
    ["CPU", formatPercent(r.cpuPercent)],
    ["Memory", formatBytes(r.memoryBytes)],
    [
      "Limits",
      [
        r.memoryLimitBytes ? `memory ${formatBytes(r.memoryLimitBytes)}` : null,
        r.cpuLimitPercent ? `CPU ${r.cpuLimitPercent}%` : null,
      ]
        .filter(Boolean)
        .join(", ") || "-",
    ],
    ["Restarts", restarts(r)],
    ["Next restart", formatDate(r.nextRestartAt)],
    ["Exit code", dash(r.exitCode)],
    ["End reason", dash(r.endReason)],
    ["Created", formatDate(r.createdAt)],
    ["Started", formatDate(r.startedAt)],
    ["Ended", formatDate(r.endedAt)],
    [isActiveRunnerStatus(r.status) ? "Uptime" : "Ran for", runTime(r, now)],
    ["Last heartbeat", formatDate(r.lastHeartbeatAt)],
  ]);
  return `${detail}\n\nTimeline:\n${timeline.length ? timelineTable(timeline) : "(no events)"}`;
}

export function timelineTable(entries: TimelineEntry[]): string {
  return table(
    ["AT", "EVENT", "BY", "DETAILS"],
    entries.map((e) => [formatDate(e.at), e.type.replace(/^runner\./, ""), actorLabel(e.actor), details(e.data)]),
  );
}

const UUID_G = /([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
/** Actors come named ("ann@example.com", "node laptop"); an id left in one is shortened. */
const shortUuids = (text: string) => text.replace(UUID_G, "$1");

function actorLabel(actor: string | null): string {
  return actor ? shortUuids(actor) : "-";
}

function details(data: Record<string, unknown>): string {
  const parts = Object.entries(data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => {
      const text = typeof v === "string" ? oneLine(v, 60) : JSON.stringify(v);
      // Session ids stay whole: they are what `launch --resume` takes.
      return `${k}=${k === "sessionId" ? text : shortUuids(text)}`;
    });
  return parts.length ? parts.join(" ") : "-";
}
