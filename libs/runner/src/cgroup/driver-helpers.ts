import { join } from "node:path";
import { readProcStat } from "../base/process-tree.ts";
import type { CgroupFs } from "./cgroup-fs.ts";

export const CPU_PERIOD_US = 100_000;
/** The CFS quota per period for a share of cores (100 % = one core), at least 1 ms as the kernel requires. */
export const cpuQuotaUs = (percent: number) => Math.max(1000, Math.round((percent / 100) * CPU_PERIOD_US));
/**
 * All agents of a machine share this parent; each one keeps its runners under
 * `<parent>/<pid>-<start time>`, so a pid reused by another process never passes for a live agent.
 */
export const PARENT = "stratavore";

/** This agent's directory name: its pid and start time (0 when /proc cannot tell). */
export function agentDirName(pid: number): string {
  return `${pid}-${readProcStat(pid)?.startTime ?? 0}`;
}

export const joinPath = (...parts: string[]) => join(...parts).replace(/\/+$/, "");

export function tryWrite(fs: CgroupFs, path: string, value: string): boolean {
  try {
    fs.write(path, value);
    return true;
  } catch {
    return false;
  }
}

/** mkdir + remove of a probe child: the only reliable "is this delegated to me" test. */
export function writable(fs: CgroupFs, dir: string): boolean {
  const probe = `${dir}/probe-${process.pid}-${Date.now()}`;
  try {
    fs.mkdir(probe);
    fs.rmdir(probe);
    return true;
  } catch {
    return false;
  }
}
