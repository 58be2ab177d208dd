export interface TerminalSize {
  cols: number;
  rows: number;
}

/**
 * A runner's terminal size as each typist's browser last asked for it. The PTY is one: the
 * last to resize wins, and when that viewer leaves, the most recent size of those still
 * watching applies again — a phone that opened a runner and left kept every desktop at 39
 * columns (the phone review). Per server process; viewers on another instance of a cluster
 * are not seen here.
 */
export class TerminalSizes {
  private readonly byRunner = new Map<string, Map<string, TerminalSize & { order: number }>>();
  private order = 0;

  set(runnerId: string, viewer: string, size: TerminalSize): void {
    let sizes = this.byRunner.get(runnerId);
    if (!sizes) this.byRunner.set(runnerId, (sizes = new Map()));
    sizes.set(viewer, { ...size, order: ++this.order });
  }

  /** `viewer` stopped watching `runnerId`: the size to put back, or null when nothing changes. */
  leave(runnerId: string, viewer: string): TerminalSize | null {
    const sizes = this.byRunner.get(runnerId);
    const mine = sizes?.get(viewer);
    if (!sizes || !mine) return null;
    sizes.delete(viewer);
    const latest = [...sizes.values()].sort((a, b) => b.order - a.order)[0];
    if (!latest) {
      this.byRunner.delete(runnerId);
      return null;
    }
    // Only the size in force (the last asked for) needs undoing.
    if (mine.order < latest.order || (latest.cols === mine.cols && latest.rows === mine.rows)) return null;
    return { cols: latest.cols, rows: latest.rows };
  }

  /** A viewer gone altogether (its socket closed): each runner whose size it set, and the size to put back. */
  leaveAll(viewer: string): { runnerId: string; size: TerminalSize }[] {
    return [...this.byRunner.keys()].flatMap((runnerId) => {
      const size = this.leave(runnerId, viewer);
      return size ? [{ runnerId, size }] : [];
    });
  }
}
