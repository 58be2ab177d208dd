import type { NodeCapabilities, RunnerLimits } from "./capabilities.ts";
import type { CgroupDriver } from "./cgroup-driver-types.ts";
import type { CgroupFs, CgroupMounts } from "./cgroup-fs.ts";
import { CPU_PERIOD_US, cpuQuotaUs, joinPath, PARENT, writable } from "./driver-helpers.ts";
import { CgroupV1, type RunnerCgroup } from "./runner-cgroup.ts";
import { sweep, tryRmdir } from "./stale-sweep.ts";

export class V1Driver implements CgroupDriver {
  readonly capabilities: NodeCapabilities;
  constructor(
    private readonly fs: CgroupFs,
    private readonly bases: { freezer: string; memory: string | null; cpu: string | null },
    private readonly agentDir: string,
  ) {
    const has = (b: string | null) => (b ? "+" : "-");
    this.capabilities = {
      isolation: "cgroup-v1",
      pause: "freeze",
      memoryLimit: !!bases.memory,
      cpuLimit: !!bases.cpu,
      detail: `cgroup v1 at ${bases.freezer} (${has(bases.memory)}memory ${has(bases.cpu)}cpu)`,
    };
  }

  create(runnerId: string, limits: RunnerLimits = {}): RunnerCgroup {
    const dir = (base: string) => joinPath(base, this.agentDir, runnerId);
    const freezer = dir(this.bases.freezer);
    this.fs.mkdir(freezer);
    const memory = this.bases.memory ? dir(this.bases.memory) : null;
    const cpu = this.bases.cpu ? dir(this.bases.cpu) : null;
    if (memory) {
      this.fs.mkdir(memory);
      if (limits.memoryBytes) this.fs.write(`${memory}/memory.limit_in_bytes`, String(limits.memoryBytes));
    }
    if (cpu) {
      this.fs.mkdir(cpu);
      if (limits.cpuPercent) {
        this.fs.write(`${cpu}/cpu.cfs_period_us`, String(CPU_PERIOD_US));
        this.fs.write(`${cpu}/cpu.cfs_quota_us`, String(cpuQuotaUs(limits.cpuPercent)));
      }
    }
    return new CgroupV1(this.fs, freezer, memory, cpu);
  }

  removeOwn(): void {
    for (const base of [this.bases.freezer, this.bases.memory, this.bases.cpu])
      if (base) tryRmdir(this.fs, joinPath(base, this.agentDir));
  }

  async sweepStale(): Promise<number> {
    return sweep(
      this.fs,
      this.bases.freezer,
      this.agentDir,
      (agentDir, runner) => {
        const sub = (base: string | null) => (base ? joinPath(base, agentDir, runner) : null);
        return new CgroupV1(
          this.fs,
          joinPath(this.bases.freezer, agentDir, runner),
          sub(this.bases.memory),
          sub(this.bases.cpu),
        );
      },
      [this.bases.memory, this.bases.cpu],
    );
  }
}

export function v1Driver(
  fs: CgroupFs,
  mounts: CgroupMounts,
  own: Map<string, string>,
  agentDir: string,
): V1Driver | null {
  const base = (controller: string) => {
    const mount = mounts.v1.get(controller);
    return mount ? joinPath(mount, own.get(controller) ?? "/", PARENT) : null;
  };
  const ready = (dir: string | null) => {
    if (!dir) return null;
    try {
      fs.mkdir(dir);
    } catch {
      return null;
    }
    return writable(fs, dir) ? dir : null;
  };
  const freezer = ready(base("freezer"));
  if (!freezer) return null;
  return new V1Driver(fs, { freezer, memory: ready(base("memory")), cpu: ready(base("cpu")) }, agentDir);
}
