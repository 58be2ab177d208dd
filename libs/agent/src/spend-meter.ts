import { costOf, usageTotal, type Allowance, type AllowancesCommand, type PriceBook, type UsageRecordInput } from "@stratavore/contracts";

export interface SpentAllowance {
  runnerId: string;
  budgetId: string;
  budgetName: string;
  spentTokens: number;
  spentUsd: number;
}

interface Meter {
  /** Responses this runner made since it started: history a resume or fork repeats is older. */
  since: number;
  counted: Map<string, { tokens: number; usd: number }>;
  tokens: number;
  usd: number;
  allowances: Allowance[];
  /** Budgets already reported spent under the current allowances (a new allowance re-arms). */
  reported: Set<string>;
}

/**
 * Pre-emptive budgets at the node (DESIGN §4): counts each runner's spend from its transcript
 * records as the tailer reads them — a response once, at its largest line, as the ledger does
 * — and says which allowances a new record used up. Pure bookkeeping; the agent freezes.
 */
export class SpendMeter {
  private readonly meters = new Map<string, Meter>();
  private book: PriceBook | null = null;

  start(runnerId: string, since = Date.now()): void {
    if (!this.meters.has(runnerId)) this.meters.set(runnerId, { since, counted: new Map(), tokens: 0, usd: 0, allowances: [], reported: new Set() });
  }

  /** Whether a runner has allowances to watch (its transcript is then read every poll). */
  watching(runnerId: string): boolean {
    return (this.meters.get(runnerId)?.allowances.length ?? 0) > 0;
  }

  forget(runnerId: string): void {
    this.meters.delete(runnerId);
  }

  /** Replaces the allowances of the runners the command names; returns any already spent. */
  setAllowances(cmd: AllowancesCommand): SpentAllowance[] {
    this.book = cmd.prices;
    for (const runnerId of cmd.runnerIds) {
      const m = this.meters.get(runnerId);
      if (!m) continue;
      m.allowances = cmd.items.filter((a) => a.runnerId === runnerId);
      m.reported.clear();
    }
    return cmd.runnerIds.flatMap((id) => this.check(id));
  }

  /** Counts new records of a runner; returns the allowances they used up (each reported once). */
  add(runnerId: string, records: readonly UsageRecordInput[]): SpentAllowance[] {
    const m = this.meters.get(runnerId);
    if (!m) return [];
    for (const r of records) {
      if (Date.parse(r.occurredAt) < m.since) continue;
      const tokens = usageTotal(r);
      const before = m.counted.get(r.messageId);
      if (before && before.tokens >= tokens) continue;
      const usd = this.book ? (costOf(this.book, r).costUsd ?? 0) : 0;
      m.tokens += tokens - (before?.tokens ?? 0);
      m.usd += usd - (before?.usd ?? 0);
      m.counted.set(r.messageId, { tokens, usd });
    }
    return this.check(runnerId);
  }

  private check(runnerId: string): SpentAllowance[] {
    const m = this.meters.get(runnerId);
    if (!m) return [];
    const spent: SpentAllowance[] = [];
    for (const a of m.allowances) {
      if (m.reported.has(a.budgetId)) continue;
      // Spend beyond the runner's ledger total when the allowance was computed.
      const spentTokens = Math.max(0, m.tokens - a.baseTokens);
      const spentUsd = Math.max(0, m.usd - a.baseUsd);
      if ((a.tokens !== null && spentTokens >= a.tokens) || (a.usd !== null && spentUsd >= a.usd)) {
        m.reported.add(a.budgetId);
        spent.push({ runnerId, budgetId: a.budgetId, budgetName: a.budgetName, spentTokens, spentUsd });
      }
    }
    return spent;
  }
}
