import pidusage from "pidusage";
import { readProcTable, snapshotDescendants, type ProcStat } from "./base/process-tree.ts";

export interface TreeSample {
  /** Sum over the tree; 100 = one core busy. pidusage reports 0 the first time it sees a pid. */
  cpuPercent: number;
  rssBytes: number;
  /** The pids that were actually measured (processes that vanished mid-sample are left out). */
  pids: number[];
}

type Stats = pidusage.Status;

/** pidusage rejects the whole call when a single pid is gone; one call per pid isolates that. */
async function statsFor(pids: number[]): Promise<Record<string, Stats | null | undefined>> {
  const [only] = pids;
  if (pids.length === 1 && only !== undefined) {
    const stats = await pidusage(only).catch(() => null);
    return { [only]: stats };
  }
  // With several pids pidusage is "graceful": vanished ones come back empty.
  return pidusage(pids).catch(() => ({}));
}

/** Sums what pidusage can still measure of `pids`; the ones that vanished meanwhile are skipped. */
export async function samplePids(pids: number[]): Promise<TreeSample> {
  const sample: TreeSample = { cpuPercent: 0, rssBytes: 0, pids: [] };
  if (pids.length === 0) return sample;
  const stats = await statsFor(pids);
  for (const pid of pids) {
    const s = stats[pid];
    if (!s) continue;
    sample.cpuPercent += s.cpu;
    sample.rssBytes += s.memory;
    sample.pids.push(pid);
  }
  return sample;
}

/**
 * The root's whole tree (zombies excluded: they hold no memory and use no CPU). Pass
 * `table` to share one /proc read between many roots.
 */
export function sampleTree(rootPid: number, table: ProcStat[] = readProcTable()): Promise<TreeSample> {
  const zombies = new Set(table.filter((p) => p.state === "Z").map((p) => p.pid));
  return samplePids(snapshotDescendants(rootPid, table).filter((pid) => !zombies.has(pid)));
}
