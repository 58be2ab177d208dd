/** A runner's all-time spend. `unpricedTokens` is null only while nothing but a server before it said (pushed totals then lacked it). */
export interface RunnerUsage {
  totalTokens: number;
  costUsd: number;
  unpricedTokens: number | null;
}

export interface RunnerUsageInput {
  runnerId: string;
  totalTokens: number;
  costUsd: number;
  unpricedTokens?: number;
}

/**
 * Token and dollar totals per runner id. The Runner contract carries no spend, so this map is
 * seeded from `usage.query` by runner and set (never added to) by `usage:update`. Ledger totals
 * only grow, so a smaller total is an older read (a seed that raced an event) and is ignored.
 */
export class RunnerUsageStore {
  private readonly totals = new Map<string, RunnerUsage>();
  private readonly listeners = new Set<() => void>();

  readonly get = (runnerId: string): RunnerUsage | undefined => this.totals.get(runnerId);

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  set(items: RunnerUsageInput[]): void {
    let changed = false;
    for (const item of items) {
      const current = this.totals.get(item.runnerId);
      if (current && current.totalTokens > item.totalTokens) continue;
      // Pushed totals from a server before they said how much is unpriced: keep the last figure.
      const unpricedTokens = item.unpricedTokens ?? current?.unpricedTokens ?? null;
      if (
        current &&
        current.totalTokens === item.totalTokens &&
        current.costUsd === item.costUsd &&
        current.unpricedTokens === unpricedTokens
      )
        continue;
      this.totals.set(item.runnerId, { totalTokens: item.totalTokens, costUsd: item.costUsd, unpricedTokens });
      changed = true;
    }
    if (changed) for (const listener of this.listeners) listener();
  }
}
