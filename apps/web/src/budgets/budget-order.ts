import type { Budget } from "@stratavore/contracts";

const SEVERITY = { exceeded: 0, warning: 1, ok: 2 } as const;

/** Exceeded first, then past their warning, then the rest; within each the most spent first; disabled last. */
export function bySeverity(budgets: readonly Budget[]): Budget[] {
  return [...budgets].sort(
    (a, b) =>
      Number(!a.enabled) - Number(!b.enabled) ||
      SEVERITY[a.state] - SEVERITY[b.state] ||
      b.fraction - a.fraction ||
      a.name.localeCompare(b.name),
  );
}
