"use client";
import Link from "next/link";
import { isActiveRunnerStatus, type Runner } from "@stratavore/contracts";
import { formatBytes, formatPercent, formatRelative } from "@stratavore/ui";
import { useNow } from "../hooks/use-now";
import { RunnerUsageCells } from "../usage/runner-usage-cells";
import { useRunnerUsageSeed } from "../usage/use-runner-usage";
import { RunnerActions } from "./runner-actions";
import { endReasonLabel, restartsLabel, runnerUptime, shortId, showsMetrics } from "./runner-format";
import { RunnerStatusBadge } from "./runner-status-badge";
import { RunnerDoingText, RunnerTaskText } from "./runner-doing";
import { RunnerWhyText } from "./pause-reason";

/**
 * Runners with live status and figures. `compact` (inside a project page) drops the project
 * column and the figures a phone has no room for. `project` narrows the spend seed to the
 * runners a project-filtered list can show.
 */
export function RunnersTable({
  runners,
  compact = false,
  project,
  testId = "runners-table",
}: {
  runners: Runner[];
  compact?: boolean;
  project?: string;
  testId?: string;
}) {
  const usage = useRunnerUsageSeed({ project });
  // Tick only while something on screen has a running clock.
  const now = useNow(
    1000,
    runners.some((r) => isActiveRunnerStatus(r.status) && (r.startedAt || r.activityAt)),
  );
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table" data-testid={testId}>
        <thead>
          <tr>
            <th>Runner</th>
            <th>Doing</th>
            {compact ? null : <th>Project</th>}
            <th className="hide-sm">Node</th>
            <th className="num">CPU</th>
            <th className="num hide-sm">Memory</th>
            <th className="num hide-sm">Tokens</th>
            <th className="num">Cost</th>
            <th className="num">Uptime</th>
            <th className="num hide-sm">Restarts</th>
            <th className="hide-sm">End reason</th>
            <th>
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {runners.map((r) => (
            <tr key={r.id} data-runner-id={r.id}>
              <td>
                <Link href={`/runners/${r.id}`} className="mono strong" title={r.id}>
                  {shortId(r.id)}
                </Link>
                <span className="muted small"> {formatRelative(r.createdAt, now)}</span>
                <RunnerTaskText runner={r} />
              </td>
              <td className="doing-cell">
                <RunnerStatusBadge runner={r} />{" "}
                {r.status === "paused" && r.pauseReason ? (
                  <div className="muted small" data-testid="runner-pause-reason">
                    <RunnerWhyText runner={r} />
                  </div>
                ) : (
                  <RunnerDoingText runner={r} now={now} />
                )}
              </td>
              {compact ? null : (
                <td>
                  <Link href={`/projects/${r.projectName}`}>{r.projectName}</Link>
                </td>
              )}
              <td className="hide-sm">{r.nodeName ?? <span className="muted">unplaced</span>}</td>
              <td className="num">{showsMetrics(r) ? formatPercent(r.cpuPercent) : "—"}</td>
              <td className="num hide-sm">{showsMetrics(r) ? formatBytes(r.memoryBytes) : "—"}</td>
              <RunnerUsageCells runnerId={r.id} seeded={usage.complete} />
              <td className="num nowrap">{runnerUptime(r, now)}</td>
              <td className="num hide-sm">{restartsLabel(r)}</td>
              <td className="hide-sm ellipsis" title={r.endReason ?? undefined}>
                {endReasonLabel(r.endReason)}
              </td>
              <td>
                <RunnerActions runner={r} size="sm" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
