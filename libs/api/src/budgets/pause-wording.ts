/**
 * How a runner frozen on its spent share under a budget reads on its page and in the runners
 * list ("Paused by budget 'daily-webshop': …"): the same words whether the node froze it or a
 * release found it still held, so the budget's name is linked either way.
 */
export const allowancePauseReason = (budgetName: string, spent?: string): string =>
  `paused by budget '${budgetName}': this runner's share of what remained is spent${spent ? ` (${spent})` : ""}; it thaws when the budget has room for it again`;
