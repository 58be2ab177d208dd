import { readdirSync } from "node:fs";
import { readProcStat } from "../base/process-tree.ts";
import type { CgroupFs } from "./cgroup-fs.ts";
import type { RunnerCgroup } from "./runner-cgroup.ts";
import { joinPath } from "./driver-helpers.ts";

/** Whether `<pid>-<start>` names a process that is still that same process. */
export function agentAlive(name: string): boolean {
  const m = /^(\d+)-(\d+)$/.exec(name);
  if (!m) return true; // not ours to judge: leave it
  const stat = readProcStat(Number(m[1]));
  return stat !== null && stat.state !== "Z" && String(stat.startTime) === m[2];
}

/** `<base>/<agent>/<runner>` of agents that are gone: kill what is left in them, remove the directories. */
export async function sweep(
  fs: CgroupFs,
  base: string,
  self: string,
  open: (agentDir: string, runner: string) => RunnerCgroup,
  otherBases: (string | null)[],
): Promise<number> {
  let swept = 0;
  for (const agentDir of subdirs(base)) {
    if (agentDir === self || agentAlive(agentDir)) continue;
    for (const runner of subdirs(joinPath(base, agentDir))) {
      const cg = open(agentDir, runner);
      await cg.killAll();
      await cg.remove();
      swept += 1;
    }
    for (const b of [base, ...otherBases]) if (b) tryRmdir(fs, joinPath(b, agentDir));
  }
  return swept;
}

export function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
  } catch {
    return [];
  }
}

export function tryRmdir(fs: CgroupFs, dir: string): void {
  try {
    if (fs.exists(dir)) fs.rmdir(dir);
  } catch {
    // not empty (another runner's leftovers we could not remove): leave it
  }
}
