import { NO_ISOLATION, type NodeCapabilities } from "./capabilities.ts";
import type { CgroupDriver, DetectOptions } from "./cgroup-driver-types.ts";
import { readSelfCgroups } from "./cgroup-fs.ts";
import { agentDirName } from "./driver-helpers.ts";
import { nodeCgroupFs } from "./node-fs.ts";
import { v1Driver } from "./v1-driver.ts";
import { v2Driver } from "./v2-driver.ts";

export type { CgroupDriver, CgroupPreference, DetectOptions } from "./cgroup-driver-types.ts";
export { agentDirName } from "./driver-helpers.ts";

/**
 * Finds the best isolation this node allows. auto: a full v2 subtree (with memory) first, then
 * the v1 freezer hierarchy (as on these machines), then a v2 subtree that can only freeze,
 * else none.
 */
export function detectCgroups(opts: DetectOptions = {}): CgroupDriver | { capabilities: NodeCapabilities } {
  const prefer = opts.prefer ?? "auto";
  if (prefer === "off") return { capabilities: NO_ISOLATION("cgroups turned off for this agent") };
  const fs = opts.fs ?? nodeCgroupFs;
  const agentDir = opts.agentDir ?? agentDirName(process.pid);
  let mounts = opts.mounts;
  let own = opts.own;
  if (!mounts || !own) {
    try {
      ({ mounts, own } = readSelfCgroups());
    } catch {
      return { capabilities: NO_ISOLATION("no /proc/self/cgroup on this system") };
    }
  }
  if (prefer === "v1")
    return (
      v1Driver(fs, mounts, own, agentDir) ?? {
        capabilities: NO_ISOLATION("the cgroup v1 freezer is not mounted or not writable"),
      }
    );
  if (prefer === "v2")
    return v2Driver(fs, mounts, own, agentDir) ?? { capabilities: NO_ISOLATION("no writable cgroup v2 subtree") };
  const v2 = v2Driver(fs, mounts, own, agentDir);
  if (v2?.capabilities.memoryLimit) return v2;
  const v1 = v1Driver(fs, mounts, own, agentDir);
  if (v1) {
    // Else every agent start would leave an empty directory in the v2 tree.
    v2?.discard();
    return v1;
  }
  return (
    v2 ?? {
      capabilities: NO_ISOLATION(
        "no writable cgroup (v2 delegated subtree or v1 freezer): pause uses SIGSTOP, which fails claude's running tool command",
      ),
    }
  );
}

export const isDriver = (d: CgroupDriver | { capabilities: NodeCapabilities }): d is CgroupDriver => "create" in d;
