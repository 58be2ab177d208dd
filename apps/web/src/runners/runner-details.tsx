"use client";
import Link from "next/link";
import type { Runner } from "@stratavore/contracts";
import { Card, formatBytes, formatPercent, formatRelative } from "@stratavore/ui";
import { useNow } from "../hooks/use-now";
import { RunnerSpendDetails } from "../usage/runner-spend";
import { RunnerDoingText } from "./runner-doing";
import { endReasonLabel, restartsLabel, runnerUptime, showsMetrics } from "./runner-format";

const when = (d: Date | null) => (d ? d.toLocaleString() : "—");
const orDash = (v: string | number | null) => (v === null || v === "" ? "—" : String(v));

/** Everything we know about one runner, as a definition list. */
export function RunnerDetails({ runner: r }: { runner: Runner }) {
  const live = showsMetrics(r);
  const now = useNow(1000, live);
  return (
    <Card title="Details">
      <dl className="details">
        <dt>Doing</dt>
        <dd>
          <RunnerDoingText runner={r} now={now} />
        </dd>
        <dt>Project</dt>
        <dd>
          <Link href={`/projects/${r.projectName}`}>{r.projectName}</Link>
        </dd>
        <dt>Node</dt>
        <dd>{r.nodeName ?? <span className="muted">not placed</span>}</dd>
        <dt>Session</dt>
        <dd className="mono">
          {r.sessionId ? (
            <Link href={`/sessions/${encodeURIComponent(r.sessionId)}`} data-testid="runner-session-link">
              {r.sessionId}
            </Link>
          ) : (
            "—"
          )}
        </dd>
        {r.pastSessionIds.length > 0 && (
          <>
            <dt title="Sessions its claude left for another (/clear); their usage still counts here">
              Earlier sessions
            </dt>
            <dd className="mono" data-testid="runner-past-sessions">
              {r.pastSessionIds.map((id, i) => (
                <span key={id}>
                  {i > 0 && ", "}
                  <Link href={`/sessions/${encodeURIComponent(id)}`}>{id.slice(0, 8)}</Link>
                </span>
              ))}
            </dd>
          </>
        )}
        <dt>Mode</dt>
        <dd>{r.conversationMode}</dd>
        <dt>Model</dt>
        <dd>{r.model ?? <span className="muted">default</span>}</dd>
        {r.flags.length ? (
          <>
            <dt>Flags</dt>
            <dd className="mono">{r.flags.join(" ")}</dd>
          </>
        ) : null}
        {r.tags.length ? (
          <>
            <dt>Tags</dt>
            <dd data-testid="runner-tags">
              {r.tags.map((t) => (
                <span key={t} className="tag">
                  {t}
                </span>
              ))}
            </dd>
          </>
        ) : null}
        {r.pooled ? (
          <>
            <dt>Pool</dt>
            <dd>{r.taskId ? `started for task ${r.taskId.slice(0, 8)}` : "kept ready for tasks"}</dd>
          </>
        ) : null}
        <dt>PID</dt>
        <dd className="mono">{orDash(r.pid)}</dd>
        {r.memoryLimitBytes || r.cpuLimitPercent ? (
          <>
            <dt>Limits</dt>
            <dd data-testid="runner-limits">
              {[
                r.memoryLimitBytes ? `memory ${formatBytes(r.memoryLimitBytes)}` : null,
                r.cpuLimitPercent ? `CPU ${r.cpuLimitPercent}%` : null,
              ]
                .filter(Boolean)
                .join(" · ")}
            </dd>
          </>
        ) : null}
        <dt>CPU</dt>
        <dd>{live ? formatPercent(r.cpuPercent) : "—"}</dd>
        <dt>Memory</dt>
        <dd>{live ? formatBytes(r.memoryBytes) : "—"}</dd>
        <RunnerSpendDetails runnerId={r.id} />
        <dt>Heartbeat</dt>
        <dd>{formatRelative(r.lastHeartbeatAt, now)}</dd>
        <dt>Started</dt>
        <dd>{when(r.startedAt)}</dd>
        <dt>Uptime</dt>
        <dd>{runnerUptime(r, now)}</dd>
        <dt>Ended</dt>
        <dd>{when(r.endedAt)}</dd>
        <dt>Exit code</dt>
        <dd className="mono">{orDash(r.exitCode)}</dd>
        <dt>End reason</dt>
        <dd>{endReasonLabel(r.endReason)}</dd>
        <dt>Restarts</dt>
        <dd>
          {restartsLabel(r)}
          {r.nextRestartAt && r.status === "failed" ? (
            <span className="muted"> · next at {r.nextRestartAt.toLocaleTimeString()}</span>
          ) : null}
        </dd>
        {r.prompt ? (
          <>
            <dt>Prompt</dt>
            <dd className="prompt-text">{r.prompt}</dd>
          </>
        ) : null}
      </dl>
    </Card>
  );
}
