"use client";
import { useQuery } from "@tanstack/react-query";
import type { SubscriptionWindow } from "@stratavore/contracts";
import { Card, ErrorState, RingGauge, formatTokens } from "@stratavore/ui";
import { errorMessage } from "../hooks/use-error-message";
import { useNow } from "../hooks/use-now";
import { useTRPC } from "../trpc";

const tone = (share: number) => (share >= 1 ? "exceeded" : share >= 0.8 ? "warning" : "ok");

function untilReset(w: SubscriptionWindow, now: number): string {
  if (!w.active) return "no window running; the next starts with the next use";
  const min = Math.max(0, Math.round((w.resetsAt.getTime() - now) / 60_000));
  const at = w.resetsAt.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return `resets at ${at} (in ${min >= 60 ? `${Math.floor(min / 60)} h ${min % 60} min` : `${min} min`})`;
}

/**
 * Each Claude subscription account's 5-hour window and week: how full, what is left, when it
 * resets. Limits are estimates (plan presets, or an admin's own); refreshed every 30 s.
 */
export function SubscriptionWindows() {
  const trpc = useTRPC();
  const windows = useQuery({ ...trpc.windows.list.queryOptions(), refetchInterval: 30_000 });
  const now = useNow(30_000);
  if (windows.isError)
    return (
      <Card title="Subscription windows">
        <ErrorState {...errorMessage(windows.error)} onRetry={() => windows.refetch()} />
      </Card>
    );
  if (!windows.data?.length) return null;
  return (
    <Card title="Subscription windows">
      <ul className="list" data-testid="subscription-windows">
        {windows.data.map((w) => (
          <li key={w.name} className="list-row window-row" data-account={w.name}>
            <RingGauge
              fraction={w.windowShare}
              tone={tone(w.windowShare)}
              size={56}
              label={`${w.name}: ${Math.round(w.windowShare * 100)}% of its 5-hour window used`}
            />
            <div>
              <div>
                <span className="strong">{w.name}</span> <span className="muted small">{w.plan}</span>
              </div>
              <div data-testid="window-figures">
                {formatTokens(w.windowTokens)} of {formatTokens(w.windowTokenLimit)} tokens ·{" "}
                {Math.max(0, Math.floor((1 - w.windowShare) * 100))} % left · {untilReset(w, now)}
              </div>
              <div className="muted small">
                Last 7 days: {formatTokens(w.weeklyTokens)}
                {w.weeklyTokenLimit !== null && w.weeklyShare !== null
                  ? ` of ${formatTokens(w.weeklyTokenLimit)} (${Math.round(w.weeklyShare * 100)} %)`
                  : ""}
                {w.nodes.length ? ` · nodes ${w.nodes.join(", ")}` : " · every node"}
              </div>
            </div>
          </li>
        ))}
      </ul>
    </Card>
  );
}
