import { EmptyState, PageHeader } from "@stratavore/ui";

export default function BudgetsPage() {
  return (
    <>
      <PageHeader title="Budgets" />
      <EmptyState title="No budgets">Budgets cap the tokens and dollars your runners may spend per hour, day, week or month.</EmptyState>
    </>
  );
}
