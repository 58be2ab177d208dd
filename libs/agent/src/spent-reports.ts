import type { SpentAllowance } from "./spend-meter.ts";

/**
 * The agent froze a runner whose allowance was spent; the server must record that pause, or the
 * runner sits frozen while the dashboard calls it running. A report the server could not take
 * yet (the runner still `starting` there, a timeout, a disconnect) is sent again on every
 * retry() until the server confirms it, or the runner is thawed or gone.
 */
export class SpentReports {
  private readonly unconfirmed = new Map<string, SpentAllowance>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly send: (s: SpentAllowance) => Promise<boolean>) {}

  report(s: SpentAllowance): void {
    this.unconfirmed.set(s.runnerId, s);
    this.attempt(s.runnerId);
  }

  /** Sends every unconfirmed report again (on each heartbeat). */
  retry(): void {
    for (const runnerId of this.unconfirmed.keys()) this.attempt(runnerId);
  }

  /** The runner was thawed or ended: what it spent before no longer needs saying. */
  drop(runnerId: string): void {
    this.unconfirmed.delete(runnerId);
  }

  pending(): number {
    return this.unconfirmed.size;
  }

  private attempt(runnerId: string): void {
    const s = this.unconfirmed.get(runnerId);
    if (!s || this.inFlight.has(runnerId)) return;
    this.inFlight.add(runnerId);
    void this.send(s)
      .catch(() => false)
      .then((confirmed) => {
        this.inFlight.delete(runnerId);
        // Only the report that was confirmed: a newer one for the same runner stays.
        if (confirmed && this.unconfirmed.get(runnerId) === s) this.unconfirmed.delete(runnerId);
      });
  }
}
