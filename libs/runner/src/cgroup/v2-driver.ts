import type { NodeCapabilities, RunnerLimits } from "./capabilities.ts";
import type { CgroupDriver } from "./cgroup-driver-types.ts";
import type { CgroupFs, CgroupMounts } from "./cgroup-fs.ts";
import { CPU_PERIOD_US, cpuQuotaUs, joinPath, PARENT, tryWrite, writable } from "./driver-helpers.ts";
import { CgroupV2, type RunnerCgroup } from "./runner-cgroup.ts";
import { agentAlive, subdirs, sweep, tryRmdir } from "./stale-sweep.ts";

export class V2Driver implements CgroupDriver {
  readonly capabilities: NodeCapabilities;
  private readonly home: string;
  constructor(
    private readonly fs: CgroupFs,
    private readonly base: string,
    private readonly agentDir: string,
    controllers: string[],
  ) {
    this.home = joinPath(base, agentDir);
    // Limits need the controllers in every parent's subtree_control down to the runner's dir.
    fs.mkdir(this.home);
    const enabled = controllers.filter((c) => tryWrite(fs, `${this.home}/cgroup.subtree_control`, `+${c}`));
    this.capabilities = {
      isolation: "cgroup-v2",
      pause: "freeze",
      memoryLimit: enabled.includes("memory"),
      cpuLimit: enabled.includes("cpu"),
      detail: `cgroup v2 at ${base}`,
    };
  }

  create(runnerId: string, limits: RunnerLimits = {}): RunnerCgroup {
    const dir = joinPath(this.home, runnerId);
    this.fs.mkdir(dir);
    const cg = new CgroupV2(this.fs, dir);
    try {
      if (limits.memoryBytes && this.capabilities.memoryLimit)
        this.fs.write(`${dir}/memory.max`, String(limits.memoryBytes));
      if (limits.cpuPercent && this.capabilities.cpuLimit)
        this.fs.write(`${dir}/cpu.max`, `${cpuQuotaUs(limits.cpuPercent)} ${CPU_PERIOD_US}`);
    } catch (err) {
      void cg.remove();
      throw err;
    }
    return cg;
  }

  /**
   * Not used after all (the v1 hierarchies serve this node better): removes this agent's
   * directory, and those that earlier agents, gone now, left empty here for the same reason.
   * A directory with runners in it is not empty and stays.
   */
  discard(): void {
    tryRmdir(this.fs, this.home);
    for (const name of subdirs(this.base)) if (!agentAlive(name)) tryRmdir(this.fs, joinPath(this.base, name));
  }

  removeOwn(): void {
    tryRmdir(this.fs, this.home);
  }

  async sweepStale(): Promise<number> {
    return sweep(
      this.fs,
      this.base,
      this.agentDir,
      (agentDir, runner) => new CgroupV2(this.fs, joinPath(this.base, agentDir, runner)),
      [],
    );
  }
}

export function v2Driver(
  fs: CgroupFs,
  mounts: CgroupMounts,
  own: Map<string, string>,
  agentDir: string,
): V2Driver | null {
  if (!mounts.v2) return null;
  const ownDir = joinPath(mounts.v2, own.get("") ?? "/");
  const base = joinPath(ownDir, PARENT);
  try {
    fs.mkdir(base);
  } catch {
    return null;
  }
  if (!writable(fs, base) || !fs.exists(`${base}/cgroup.freeze`)) return null;
  // Limits need the controllers handed down to our subtree; the "no internal processes" rule
  // refuses that where the agent itself sits, so this is best effort.
  const controllers = (() => {
    try {
      return fs.read(`${ownDir}/cgroup.controllers`).split(/\s+/);
    } catch {
      return [];
    }
  })();
  const handedDown = ["memory", "cpu"].filter(
    (c) =>
      controllers.includes(c) &&
      tryWrite(fs, `${ownDir}/cgroup.subtree_control`, `+${c}`) &&
      tryWrite(fs, `${base}/cgroup.subtree_control`, `+${c}`),
  );
  try {
    return new V2Driver(fs, base, agentDir, handedDown);
  } catch {
    return null;
  }
}
