import type { NodeCapabilities, RunnerLimits } from "./capabilities.ts";
import type { CgroupFs, CgroupMounts } from "./cgroup-fs.ts";
import type { RunnerCgroup } from "./runner-cgroup.ts";

export type CgroupPreference = "auto" | "v2" | "v1" | "off";

/** Creates one cgroup per runner below this agent's own directory. */
export interface CgroupDriver {
  readonly capabilities: NodeCapabilities;
  create(runnerId: string, limits?: RunnerLimits): RunnerCgroup;
  /** Kills and removes what agents that died without cleaning up left behind. */
  sweepStale(): Promise<number>;
  /** At a clean stop, once every runner's cgroup is gone: this agent's own directories, if empty. */
  removeOwn(): void;
}

export interface DetectOptions {
  prefer?: CgroupPreference;
  fs?: CgroupFs;
  mounts?: CgroupMounts;
  own?: Map<string, string>;
  /** Name of this agent's directory below `stratavore/` (default: pid and start time). */
  agentDir?: string;
}
