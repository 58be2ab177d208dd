"use client";
import type { Node } from "@stratavore/contracts";
import { Badge, formatRelative } from "@stratavore/ui";
import { useNow } from "../hooks/use-now";
import { NodeActions } from "./node-actions";

/**
 * The fleet's machines. A connected agent is being heard from right now, so its "last seen"
 * says so rather than showing the time of its last recorded beat.
 */
/** How runners are isolated there: a cgroup that can be frozen, or signals with their known limit. */
function NodeIsolation({ node }: { node: Node }) {
  const caps = node.capabilities;
  if (!caps) return <span className="muted">not reported</span>;
  const limits = [caps.memoryLimit ? "memory" : null, caps.cpuLimit ? "CPU" : null].filter(Boolean).join(", ");
  return (
    <>
      <div>{caps.isolation === "none" ? <span className="warn-text">no cgroup</span> : caps.isolation}</div>
      <div className="muted">
        {caps.pause === "freeze" ? "pause freezes" : "pause by SIGSTOP: fails a running tool"}
        {limits ? ` · limits: ${limits}` : ""}
      </div>
    </>
  );
}

export function NodesTable({ nodes, manage }: { nodes: Node[]; manage: boolean }) {
  const now = useNow(30_000);
  return (
    <div className="table-wrap" tabIndex={0} role="region" aria-label="Scrollable table">
      <table className="table" data-testid="nodes-table">
        <thead>
          <tr>
            <th>Name</th>
            <th>Status</th>
            <th className="hide-sm">Connected</th>
            <th className="num">Runners</th>
            <th className="hide-sm">Labels</th>
            <th className="hide-sm">Isolation</th>
            <th className="hide-sm">Versions</th>
            <th>Last seen</th>
            {manage ? (
              <th>
                <span className="sr-only">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.id} data-node-name={n.name}>
              <td>
                <div className="strong">{n.name}</div>
                {n.hostname !== n.name ? <div className="muted small mono">{n.hostname}</div> : null}
                {n.spooledItems > 0 ? (
                  <div
                    className="muted small"
                    data-testid="node-spooled"
                    title="Usage records and transcript lines the agent holds until the server acknowledges them"
                  >
                    {n.spooledItems} spooled
                  </div>
                ) : null}
                {n.deadLetters > 0 ? (
                  <div
                    className="warn-text small"
                    data-testid="node-dead-letters"
                    title="Usage records or transcript lines the server refused for good; kept whole in dead-letters.jsonl in the agent's data directory"
                  >
                    ⚠ {n.deadLetters} set aside
                  </div>
                ) : null}
              </td>
              <td>{n.revokedAt ? <Badge>revoked</Badge> : <Badge>{n.status}</Badge>}</td>
              <td className="hide-sm">
                {n.connected ? <span className="ok-text">● yes</span> : <span className="muted">○ no</span>}
              </td>
              <td className="num nowrap" title="active runners / capacity">
                {n.activeRunners} / {n.capacity}
              </td>
              <td className="hide-sm">
                {n.labels.length ? (
                  n.labels.map((l) => (
                    <span key={l} className="tag">
                      {l}
                    </span>
                  ))
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td className="hide-sm small" data-testid="node-isolation" title={n.capabilities?.detail}>
                <NodeIsolation node={n} />
              </td>
              <td className="hide-sm small">
                <div>
                  agent <span className="mono">{n.agentVersion}</span>
                </div>
                <div className="muted">
                  claude <span className="mono">{n.claudeVersion ?? "unknown"}</span>
                </div>
              </td>
              <td className="nowrap">{n.connected ? "now" : formatRelative(n.lastSeenAt, now)}</td>
              {manage ? (
                <td>
                  <NodeActions node={n} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
