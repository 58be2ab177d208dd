"use client";
import { useQuery } from "@tanstack/react-query";
import { formatUsd } from "@stratavore/ui";
import { useTRPC } from "../trpc";

/**
 * Our cost of the session beside Claude Code's own running figure (its last cost-state record);
 * when they are more than 1 % apart, the models that make the difference. Nothing when the
 * transcript holds no cost-state (older claude versions); no verdict while claude's figure
 * predates the session's latest responses.
 */
export function CostCheck({ sessionId }: { sessionId: string }) {
  const trpc = useTRPC();
  const check = useQuery(trpc.sessions.costCheck.queryOptions({ id: sessionId }));
  const c = check.data;
  if (!c) return null;
  const pct =
    c.differencePercent === null ? "" : ` (${c.differencePercent >= 0 ? "+" : ""}${c.differencePercent.toFixed(1)} %)`;
  return (
    <>
      <dt>Claude&apos;s own figure</dt>
      <dd data-testid="cost-check">
        {formatUsd(c.claudeUsd)}{" "}
        {c.stale ? (
          <span className="muted">
            written before the latest responses (claude updates it when it leaves the session or exits)
          </span>
        ) : c.differs ? (
          <span className="warn-text">ours differs{pct}</span>
        ) : (
          <span className="muted">agrees with ours</span>
        )}
        {c.differs ? (
          <ul className="small muted">
            {c.models
              .filter((m) => Math.abs((m.oursUsd ?? 0) - m.claudeUsd) > 0.000_05)
              .map((m) => (
                <li key={m.model}>
                  <span className="mono">{m.model}</span>: claude {formatUsd(m.claudeUsd)}, ours{" "}
                  {m.oursUsd === null ? "unpriced" : formatUsd(m.oursUsd)}
                  {m.estimated ? " (our price is estimated)" : ""}
                </li>
              ))}
          </ul>
        ) : null}
      </dd>
    </>
  );
}
