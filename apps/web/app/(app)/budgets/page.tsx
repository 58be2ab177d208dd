"use client";
import { EmptyState, ErrorState, LoadingState, PageHeader } from "@stratavore/ui";
import { CreateBudgetButton } from "../../../src/budgets/budget-actions";
import { BudgetCard } from "../../../src/budgets/budget-card";
import { bySeverity } from "../../../src/budgets/budget-order";
import { useBudgets } from "../../../src/budgets/use-budgets";
import { isAtRisk } from "../../../src/realtime/budget-cache";
import { errorMessage } from "../../../src/hooks/use-error-message";
import { useNow } from "../../../src/hooks/use-now";
import { useMe } from "../../../src/require-auth";

/** With this many budgets or fewer every card opens with its burn-down showing; otherwise only those at risk do. */
const OPEN_ALL_UP_TO = 3;

export default function BudgetsPage() {
  const me = useMe();
  const budgets = useBudgets();
  // Reset countdowns and the burn-down's "now" move once a minute; spend moves with events.
  const now = useNow(60_000);

  return (
    <>
      <PageHeader
        title="Budgets"
        description="Caps on the tokens and dollars runners may spend per hour, day, week or month. Live."
        actions={<CreateBudgetButton />}
      />
      {budgets.isPending ? (
        <LoadingState />
      ) : budgets.isError ? (
        <ErrorState {...errorMessage(budgets.error)} onRetry={() => budgets.refetch()} />
      ) : budgets.data.length === 0 ? (
        <EmptyState title="No budgets">
          Budgets cap the tokens and dollars your runners may spend per hour, day, week or month, and can notify, block
          launches, pause or stop runners at the limit.
          {me.role === "admin" ? " Create one with “New budget”." : " Ask an admin to set one up."}
        </EmptyState>
      ) : (
        <div className="budget-list" data-testid="budget-list">
          {bySeverity(budgets.data).map((b) => (
            <BudgetCard
              key={b.id}
              budget={b}
              now={now}
              initiallyOpen={budgets.data.length <= OPEN_ALL_UP_TO || isAtRisk(b)}
            />
          ))}
        </div>
      )}
    </>
  );
}
