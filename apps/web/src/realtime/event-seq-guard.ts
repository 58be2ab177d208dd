/**
 * Newest event seq applied per entity. Unlike the project SeqGuard (which must accept an
 * equal seq from a backfill page), this one drops equal seqs too: a runner event reaches a
 * tab once per room it is in (fleet and runner), and load counters must move only once.
 */
export class EventSeqGuard {
  private readonly seen = new Map<string, number>();

  fresh(id: string, seq: number): boolean {
    if ((this.seen.get(id) ?? -Infinity) >= seq) return false;
    this.seen.set(id, seq);
    return true;
  }
}
