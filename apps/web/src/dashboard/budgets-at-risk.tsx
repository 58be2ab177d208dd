"use client";
import Link from "next/link";
import { Badge, Card } from "@stratavore/ui";
import { ACTION_LABELS, usedShare } from "../budgets/budget-format";
import { bySeverity } from "../budgets/budget-order";
import { useBudgets } from "../budgets/use-budgets";

/** Budgets past their warning threshold, most spent first, each named and linked. */
export function BudgetsAtRisk() {
  const budgets = useBudgets();
  const risky = bySeverity(budgets.data ?? []).filter((b) => b.enabled && b.state !== "ok");
  if (!risky.length) return null;
  return (
    <Card title="Budgets at risk">
      <ul className="list" data-testid="budgets-at-risk">
        {risky.map((b) => (
          <li key={b.id} className="list-row">
            <Link href={`/budgets#budget-${b.id}`} className="strong">
              {b.name}
            </Link>
            <Badge tone={b.state === "exceeded" ? "red" : "amber"}>{b.state}</Badge>
            <span className="muted">
              {usedShare(b)} of its {b.period} limit · {b.scopeLabel} · then {ACTION_LABELS[b.action].toLowerCase()}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}
