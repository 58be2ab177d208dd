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
    return readFileSync(`${freezerMount}${v1Path}/freezer.state`, "utf8").trim() === "FROZEN" ? "frozen" : "thawed";
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
