import type { QueryClient, QueryKey } from "@tanstack/react-query";
import type { Budget } from "@stratavore/contracts";

const LIST_KEY: QueryKey = [["budgets", "list"]];
const GET_KEY: QueryKey = [["budgets", "get"]];

const oldestFirst = (a: Budget, b: Budget) => a.createdAt.getTime() - b.createdAt.getTime();

/** Places a budget's new figures in the cached list (server order: oldest first) and its detail, in place. */
export function applyBudgetUpsert(qc: QueryClient, budget: Budget): void {
  for (const [key, data] of qc.getQueriesData<Budget[]>({ queryKey: LIST_KEY })) {
    if (!data) continue;
    const known = data.some((b) => b.id === budget.id);
    qc.setQueryData(
      key,
      known ? data.map((b) => (b.id === budget.id ? budget : b)) : [...data, budget].sort(oldestFirst),
    );
  }
  for (const [key, data] of qc.getQueriesData<Budget>({ queryKey: GET_KEY })) {
    if (data?.id === budget.id) qc.setQueryData(key, budget);
  }
}

export function applyBudgetDelete(qc: QueryClient, id: string): void {
  for (const [key, data] of qc.getQueriesData<Budget[]>({ queryKey: LIST_KEY })) {
    if (data?.some((b) => b.id === id))
      qc.setQueryData(
        key,
        data.filter((b) => b.id !== id),
      );
  }
}

/** Budgets that need a look: enabled ones past their warning threshold or over the limit. */
export const isAtRisk = (b: Budget) => b.enabled && b.state !== "ok";
