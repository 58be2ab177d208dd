import { readFileSync } from "node:fs";
import { parseMountinfo, parseProcCgroup } from "./cgroup-fs.ts";

/**
 * Whether a process sits in a frozen cgroup, read from the kernel (its /proc/<pid>/cgroup, then
 * the freezer state of that cgroup): what a frozen runner looks like from outside, since frozen
 * tasks do not show state T. Null when the process is in no freezable cgroup.
 */
export function cgroupFreezeState(pid: number): "frozen" | "thawed" | null {
  let own: Map<string, string>;
  try {
    own = parseProcCgroup(readFileSync(`/proc/${pid}/cgroup`, "utf8"));
  } catch {
    return null;
  }
  const mounts = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
  const freezerMount = mounts.v1.get("freezer");
  const v1Path = own.get("freezer");
  if (freezerMount && v1Path && v1Path !== "/") {
    try {
      return readFileSync(`${freezerMount}${v1Path}/freezer.state`, "utf8").trim() === "FROZEN" ? "frozen" : "thawed";
    } catch {
      return null; // removed meanwhile
    }
  }
  const v2Path = own.get("");
  if (mounts.v2 && v2Path && v2Path !== "/") {
    try {
      return /^frozen 1$/m.test(readFileSync(`${mounts.v2}${v2Path}/cgroup.events`, "utf8")) ? "frozen" : "thawed";
    } catch {
      return null;
    }
  }
  return null;
}

/** Every process in the same freezer (v1) or unified (v2) cgroup as `pid`, `pid` included; [] outside one. */
export function cgroupPeers(pid: number): number[] {
  try {
    const own = parseProcCgroup(readFileSync(`/proc/${pid}/cgroup`, "utf8"));
    const mounts = parseMountinfo(readFileSync("/proc/self/mountinfo", "utf8"));
    const v1 = own.get("freezer");
    const dir = mounts.v1.get("freezer") && v1 && v1 !== "/" ? `${mounts.v1.get("freezer")}${v1}` : mounts.v2 && own.get("") && own.get("") !== "/" ? `${mounts.v2}${own.get("")}` : null;
    if (!dir) return [];
    return readFileSync(`${dir}/cgroup.procs`, "utf8").split("\n").map(Number).filter((n) => Number.isInteger(n) && n > 1);
  } catch {
    return [];
  }
}
