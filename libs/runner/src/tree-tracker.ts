import { readEnviron, readProcTable, signalPids, snapshotDescendants, type ProcStat } from "./base/process-tree.ts";

/** What the tracker needs from the OS; replaced by a synthetic table in unit tests. */
export interface ProcessOps {
  readTable(): ProcStat[];
  signal(pids: number[], signal: NodeJS.Signals): number;
  environOf(pid: number): string | null;
}

export const systemProcessOps: ProcessOps = { readTable: readProcTable, signal: signalPids, environOf: readEnviron };

const live = (p: ProcStat | undefined): p is ProcStat => !!p && p.state !== "Z" && p.state !== "X";

/**
 * Remembers every process ever seen below a root, by pid AND start time. Once the root (or
 * a middle process) dies, its children are re-parented to init and vanish from the ppid
 * tree; remembering them is what lets the runner still kill them. The start time guards
 * against signalling an unrelated process that reused a remembered pid.
 */
export class TreeTracker {
  private readonly known = new Map<number, number>();

  /**
   * @param envTag `NAME=value` set in the root's environment. Children inherit it, so a
   *   deep collect finds a setsid'd tool that was orphaned before it was ever seen in the
   *   tree (claude crashed between two looks); a tool that scrubs its env escapes this net.
   */
  constructor(
    private readonly rootPid: number,
    private readonly ops: ProcessOps = systemProcessOps,
    private readonly selfPid: number = process.pid,
    private readonly envTag: string | null = null,
  ) {}

  /**
   * Live members, parents before children: the current tree, then remembered pids that
   * left it, then members of sessions led by any of them (setsid'd tool commands and what
   * they started after we last looked), then (deep) every process carrying the env tag.
   */
  collect(deep = false, table: ProcStat[] = this.ops.readTable()): number[] {
    const byPid = new Map(table.map((p) => [p.pid, p]));
    for (const [pid, start] of this.known) {
      const p = byPid.get(pid);
      if (!live(p) || p.startTime !== start) this.known.delete(pid);
    }
    const order: number[] = [];
    const seen = new Set<number>();
    const add = (pid: number) => {
      const p = byPid.get(pid);
      if (pid === this.selfPid || !live(p) || seen.has(pid)) return;
      seen.add(pid);
      order.push(pid);
      this.known.set(pid, p.startTime);
    };
    for (const pid of snapshotDescendants(this.rootPid, table)) add(pid);
    for (const pid of [...this.known.keys()]) add(pid);
    const leaders = new Set(order.filter((pid) => byPid.get(pid)?.session === pid));
    for (const p of table) if (leaders.has(p.session)) add(p.pid);
    if (deep && this.envTag) {
      const needle = `\0${this.envTag}\0`;
      for (const p of table) {
        if (seen.has(p.pid) || !live(p)) continue;
        const env = this.ops.environOf(p.pid);
        if (env && `\0${env}`.includes(needle)) add(p.pid);
      }
    }
    return order;
  }

  /** Every live member from a fresh deep read; [] while /proc is unreadable for a moment (the next pass retries). */
  look(): number[] {
    try {
      return this.collect(true);
    } catch {
      return [];
    }
  }

  /**
   * Signals every live member; `childrenFirst` so a parent cannot react to a child stopping.
   * Returns the pids found. One that refuses (EPERM: a setuid tool) does not keep the others
   * from being signalled, and nothing more can be done about it.
   */
  signalAll(signal: NodeJS.Signals, childrenFirst = false): number[] {
    const pids = this.look();
    if (pids.length > 0) this.signalPids(childrenFirst ? [...pids].reverse() : pids, signal);
    return pids;
  }

  /** SIGSTOP for the whole tree, children first, with more passes for what forked meanwhile. */
  stopAll(): void {
    const stopped = new Set(this.signalAll("SIGSTOP", true));
    // A process forked while the others were being stopped escaped the first pass.
    for (let pass = 0; pass < 3; pass += 1) {
      const fresh = this.look().filter((pid) => !stopped.has(pid));
      if (fresh.length === 0) break;
      this.signalPids(fresh.reverse(), "SIGSTOP");
      for (const pid of fresh) stopped.add(pid);
    }
  }

  signalPids(pids: number[], signal: NodeJS.Signals): void {
    try {
      this.ops.signal(pids, signal);
    } catch {
      // EPERM: see signalAll
    }
  }
}
