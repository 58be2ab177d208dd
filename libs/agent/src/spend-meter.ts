import {
  costOf,
  usageTotal,
  type Allowance,
  type AllowancesCommand,
  type PriceBook,
  type UsageRecordInput,
} from "@stratavore/contracts";

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

  /** A runner starts: counted from now, watched from its first line when its launch carried allowances. */
  start(runnerId: string, given?: Omit<AllowancesCommand, "runnerIds">, since = Date.now()): void {
    if (this.meters.has(runnerId)) return;
    this.meters.set(runnerId, { since, counted: new Map(), tokens: 0, usd: 0, allowances: [], reported: new Set() });
    // Not checked now: nothing is spent yet, and the server does not yet call the runner running.
    if (given) this.replace(runnerId, given);
  }

  /** A runner was thawed: an allowance still spent bites again at its next line (not silently never). */
  thawed(runnerId: string): void {
    this.meters.get(runnerId)?.reported.clear();
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
    for (const runnerId of cmd.runnerIds) this.replace(runnerId, cmd);
    return cmd.runnerIds.flatMap((id) => this.check(id));
  }

  private replace(runnerId: string, given: Omit<AllowancesCommand, "runnerIds">): void {
    this.book = given.prices;
    const m = this.meters.get(runnerId);
    if (!m) return;
    m.allowances = given.items.filter((a) => a.runnerId === runnerId);
    m.reported.clear();
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

  /** The allowances a runner has spent now, reported or not: a thaw must not let it run on them. */
  spent(runnerId: string): SpentAllowance[] {
    const m = this.meters.get(runnerId);
    if (!m) return [];
    return m.allowances.flatMap((a) => {
      // Spend beyond the runner's ledger total when the allowance was computed.
      const spentTokens = Math.max(0, m.tokens - a.baseTokens);
      const spentUsd = Math.max(0, m.usd - a.baseUsd);
      const over = (a.tokens !== null && spentTokens >= a.tokens) || (a.usd !== null && spentUsd >= a.usd);
      return over ? [{ runnerId, budgetId: a.budgetId, budgetName: a.budgetName, spentTokens, spentUsd }] : [];
    });
  }

  private check(runnerId: string): SpentAllowance[] {
    const m = this.meters.get(runnerId);
    if (!m) return [];
    const fresh = this.spent(runnerId).filter((s) => !m.reported.has(s.budgetId));
    for (const s of fresh) m.reported.add(s.budgetId);
    return fresh;
  }
}
