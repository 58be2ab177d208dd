/**
 * Reports about a runner that the server must record, or its view of the runner goes wrong:
 * a pause the agent made when an allowance was spent (else the runner sits frozen while the
 * dashboard calls it running), or a runner's exit (else the server ends it later as lost, a
 * failure). A report the server could not take yet (the runner still `starting` there, a
 * timeout, a disconnect) is sent again on every retry() until the server confirms it, or it
 * is dropped. One report per runner: a newer one replaces the older.
 */
export class ConfirmedReports<T extends { runnerId: string }> {
  private readonly unconfirmed = new Map<string, T>();
  private readonly inFlight = new Set<string>();
  private readonly waiters = new Set<() => void>();

  constructor(private readonly send: (report: T) => Promise<boolean>) {}

  report(r: T): void {
    this.unconfirmed.set(r.runnerId, r);
    this.attempt(r.runnerId);
  }

  /** Sends every unconfirmed report again (on each heartbeat, and on a reconnect). */
  retry(): void {
    for (const runnerId of this.unconfirmed.keys()) this.attempt(runnerId);
  }

  /** What the runner's report said no longer needs saying (a thawed runner's spent allowance). */
  drop(runnerId: string): void {
    this.unconfirmed.delete(runnerId);
    this.wake();
  }

  pending(): number {
    return this.unconfirmed.size;
  }

  /** The runner's report not confirmed yet, if any. */
  current(runnerId: string): T | undefined {
    return this.unconfirmed.get(runnerId);
  }

  /**
   * Resolves once every report is confirmed or dropped, or after `timeoutMs` (true only in the
   * first case). A stopping agent waits here so its last exits are on record before it leaves.
   */
  settled(timeoutMs: number): Promise<boolean> {
    if (this.unconfirmed.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (all: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(all);
      };
      const check = () => this.unconfirmed.size === 0 && done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
    });
  }

  private attempt(runnerId: string): void {
    const r = this.unconfirmed.get(runnerId);
    if (!r || this.inFlight.has(runnerId)) return;
    this.inFlight.add(runnerId);
    void this.send(r)
      .catch(() => false)
      .then((confirmed) => {
        this.inFlight.delete(runnerId);
        const now = this.unconfirmed.get(runnerId);
        // Only the report that was confirmed: a newer one for the same runner stays, and goes
        // now rather than at the next retry (it waited only for this one to be answered).
        if (confirmed && now === r) {
          this.unconfirmed.delete(runnerId);
          this.wake();
        } else if (now !== undefined && now !== r) this.attempt(runnerId);
      });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
