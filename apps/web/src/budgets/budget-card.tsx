"use client";
import Link from "next/link";
import { useState } from "react";
import { usdOnlyLowerBound, type Budget } from "@stratavore/contracts";
import { Badge, Button } from "@stratavore/ui";
import { BudgetActions } from "./budget-actions";
import { BudgetBurndown } from "./budget-burndown";
import {
  ACTION_LABELS,
  PERIOD_LABELS,
  STATE_TONES,
  resetLabel,
  scopeHref,
  tokensUsedLabel,
  usdUsedLabel,
} from "./budget-format";
import { BudgetGauge } from "./budget-gauge";
import { BudgetSpenders } from "./budget-spenders";

const when = (d: Date) =>
  d.toLocaleString(undefined, { weekday: "short", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/** One budget: gauge, used vs limit, what happens at the limit, the period; details on demand. */
export function BudgetCard({ budget: b, now, initiallyOpen }: { budget: Budget; now: number; initiallyOpen: boolean }) {
  const [open, setOpen] = useState(initiallyOpen);
  const href = scopeHref(b);
  const tokens = tokensUsedLabel(b);
  const usd = usdUsedLabel(b);
  return (
    <article
      className={`card budget ${b.enabled ? "" : "budget-off"}`.trim()}
      id={`budget-${b.id}`}
      data-testid="budget-card"
      data-budget-id={b.id}
    >
      <div className="budget-head">
        <BudgetGauge budget={b} />
        <div className="budget-info">
          <h2 className="budget-title">
            {b.name} <Badge tone={STATE_TONES[b.state]}>{b.state}</Badge>{" "}
            {b.enabled ? null : <Badge tone="gray">disabled</Badge>}{" "}
            {usdOnlyLowerBound(b) ? (
              <Badge
                tone="amber"
                data-testid="budget-partial"
                title="Some usage in this period has no price, so the dollars shown are a lower bound and the budget cannot be fully evaluated in dollars."
              >
                partial
              </Badge>
            ) : null}
          </h2>
          <div className="muted">
            {href ? <Link href={href}>{b.scopeLabel}</Link> : b.scopeLabel} · {PERIOD_LABELS[b.period].toLowerCase()}
          </div>
          <div className="budget-figures">
            {tokens ? <span data-testid="budget-tokens">{tokens}</span> : null}
            {usd ? <span data-testid="budget-usd">{usd}</span> : null}
          </div>
          <div className="muted small">
            At the limit: <span className="strong">{ACTION_LABELS[b.action]}</span> · warns at {b.warnPercent}% ·{" "}
            <span title={`${when(b.periodStart)} – ${when(b.periodEnd)}`}>{resetLabel(b, now)}</span>
          </div>
        </div>
        <BudgetActions budget={b} />
      </div>
      <Button size="sm" variant="ghost" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? "Hide burn-down" : "Show burn-down and spenders"}
      </Button>
      {open ? (
        <div className="budget-details">
          <BudgetBurndown budget={b} now={now} />
          <div>
            <div className="strong budget-subhead">Spent by runner, this period</div>
            <BudgetSpenders budget={b} />
          </div>
        </div>
      ) : null}
    </article>
  );
}
