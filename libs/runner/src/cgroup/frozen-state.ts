import { readFileSync } from "node:fs";
import { parseMountinfo, parseProcCgroup } from "./cgroup-fs.ts";
import { parsePids } from "./runner-cgroup.ts";

/** The freezer (v1) or unified (v2) cgroup directory `pid` is in; null outside one (or gone). */
function freezableCgroupOf(pid: number): { version: 1 | 2; dir: string } | null {
  try {
    const own = parseProcCgroup(readFileSync(`/proc/${pid}/cgroup`, "utf8"));
    const mounts = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
    const v1 = own.get("freezer");
    const freezer = mounts.v1.get("freezer");
    if (freezer && v1 && v1 !== "/") return { version: 1, dir: `${freezer}${v1}` };
    const v2 = own.get("");
    if (mounts.v2 && v2 && v2 !== "/") return { version: 2, dir: `${mounts.v2}${v2}` };
  } catch {
    // the process is gone
  }
  return null;
}

/**
 * Whether a process sits in a frozen cgroup, read from the kernel (its /proc/<pid>/cgroup, then
 * the freezer state of that cgroup): what a frozen runner looks like from outside, since frozen
 * tasks do not show state T. Null when the process is in no freezable cgroup.
 */
export function cgroupFreezeState(pid: number): "frozen" | "thawed" | null {
  const cg = freezableCgroupOf(pid);
  if (!cg) return null;
  try {
    const frozen =
      cg.version === 1
        ? readFileSync(`${cg.dir}/freezer.state`, "utf8").trim() === "FROZEN"
        : /^frozen 1$/m.test(readFileSync(`${cg.dir}/cgroup.events`, "utf8"));
    return frozen ? "frozen" : "thawed";
  } catch {
    return null; // removed meanwhile
  }
}

/** Every process in the same freezer (v1) or unified (v2) cgroup as `pid`, `pid` included; [] outside one. */
export function cgroupPeers(pid: number): number[] {
  const cg = freezableCgroupOf(pid);
  if (!cg) return [];
  try {
    return parsePids(readFileSync(`${cg.dir}/cgroup.procs`, "utf8"));
  } catch {
    return [];
  }
}
