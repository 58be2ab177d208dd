import type { HTMLAttributes, ReactNode } from "react";
import { costParts } from "./format.ts";

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {description ? <p className="muted">{description}</p> : null}
      </div>
      {actions ? <div className="page-actions">{actions}</div> : null}
    </header>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`card ${className ?? ""}`.trim()}>
      {title || actions ? (
        <div className="card-head">
          {title ? <h2>{title}</h2> : <span />}
          {actions}
        </div>
      ) : null}
      {children}
    </section>
  );
}

export function StatTile({ label, value, hint }: { label: string; value: ReactNode; hint?: ReactNode }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
      {hint ? <div className="tile-hint">{hint}</div> : null}
    </div>
  );
}

const TONES: Record<string, string> = {
  active: "green",
  idle: "gray",
  archived: "amber",
  admin: "purple",
  operator: "blue",
  viewer: "gray",
  disabled: "red",
  revoked: "red",
  // Runner and node states: green is working, amber is "on its way somewhere", red needs a look.
  starting: "blue",
  running: "green",
  paused: "amber",
  stopping: "amber",
  lost: "purple",
  terminated: "gray",
  failed: "red",
  online: "green",
  draining: "amber",
  offline: "gray",
  unused: "blue",
  used: "gray",
  expired: "gray",
  // Tasks and pool decisions.
  queued: "blue",
  done: "green",
  cancelled: "gray",
  up: "green",
  down: "blue",
  hold: "amber",
};

/** Extra span attributes (title, data-testid) pass through so tests and tooltips can reach it. */
export function Badge({
  children,
  tone,
  className,
  ...rest
}: { children: ReactNode; tone?: string } & HTMLAttributes<HTMLSpanElement>) {
  const t = tone ?? (typeof children === "string" ? TONES[children] : undefined) ?? "gray";
  return (
    <span className={`badge badge-${t} ${className ?? ""}`.trim()} {...rest}>
      {children}
    </span>
  );
}

/** Under a paged list: "Showing 100 of 165 sessions", and the button for more while there are more. */
export function ListFooter({
  shown,
  total,
  noun,
  more,
}: {
  shown: number;
  total: number;
  noun: string;
  more?: ReactNode;
}) {
  return (
    <div className="list-footer" data-testid="list-footer">
      <span className="muted">
        Showing {shown.toLocaleString("en-US")} of {total.toLocaleString("en-US")} {noun}
      </span>
      {more}
    </div>
  );
}

/**
 * A cost tile's figure: the dollars large, the tokens no price covers beneath them in small
 * ("$74.46 +474.0k unpriced" wrapped over three lines of a narrow tile). Same words as formatCost.
 */
export function CostFigure({
  usd,
  unpriced = 0,
  estimated = 0,
}: {
  usd: number | null;
  unpriced?: number;
  estimated?: number;
}) {
  const parts = costParts(usd, unpriced, estimated);
  if (!parts.dollars || !parts.unpriced) return <>{parts.dollars ?? parts.unpriced}</>;
  return (
    <>
      {parts.dollars}
      <span className="tile-sub"> {parts.unpriced}</span>
    </>
  );
}
