import { readdirSync } from "node:fs";
import { join } from "node:path";
import { readProcStat } from "../base/process-tree.ts";
import { NO_ISOLATION, type NodeCapabilities, type RunnerLimits } from "./capabilities.ts";
import { readSelfCgroups, type CgroupFs, type CgroupMounts } from "./cgroup-fs.ts";
import { nodeCgroupFs } from "./node-fs.ts";
import { CgroupV1, CgroupV2, type RunnerCgroup } from "./runner-cgroup.ts";

export type CgroupPreference = "auto" | "v2" | "v1" | "off";

/** Creates one cgroup per runner below this agent's own directory. */
export interface CgroupDriver {
  readonly capabilities: NodeCapabilities;
  create(runnerId: string, limits?: RunnerLimits): RunnerCgroup;
  /** Kills and removes what agents that died without cleaning up left behind. */
  sweepStale(): Promise<number>;
}

const CPU_PERIOD_US = 100_000;
/** The CFS quota per period for a share of cores (100 % = one core), at least 1 ms as the kernel requires. */
const cpuQuotaUs = (percent: number) => Math.max(1000, Math.round((percent / 100) * CPU_PERIOD_US));
/**
 * All agents of a machine share this parent; each one keeps its runners under
 * `<parent>/<pid>-<start time>`, so a pid reused by another process never passes for a live agent.
 */
const PARENT = "stratavore";

/** This agent's directory name: its pid and start time (0 when /proc cannot tell). */
export function agentDirName(pid: number): string {
  return `${pid}-${readProcStat(pid)?.startTime ?? 0}`;
}

/** Whether `<pid>-<start>` names a process that is still that same process. */
function agentAlive(name: string): boolean {
  const m = /^(\d+)-(\d+)$/.exec(name);
  if (!m) return true; // not ours to judge: leave it
  const stat = readProcStat(Number(m[1]));
  return stat !== null && stat.state !== "Z" && String(stat.startTime) === m[2];
}

export interface DetectOptions {
  prefer?: CgroupPreference;
  fs?: CgroupFs;
  mounts?: CgroupMounts;
  own?: Map<string, string>;
  /** Name of this agent's directory below `stratavore/` (default: pid and start time). */
  agentDir?: string;
}

const joinPath = (...parts: string[]) => join(...parts).replace(/\/+$/, "");

function tryWrite(fs: CgroupFs, path: string, value: string): boolean {
  try {
    fs.write(path, value);
    return true;
  } catch {
    return false;
  }
}

/** mkdir + remove of a probe child: the only reliable "is this delegated to me" test. */
function writable(fs: CgroupFs, dir: string): boolean {
  const probe = `${dir}/probe-${process.pid}-${Date.now()}`;
  try {
    fs.mkdir(probe);
    fs.rmdir(probe);
    return true;
  } catch {
    return false;
  }
}

class V1Driver implements CgroupDriver {
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

class V2Driver implements CgroupDriver {
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

/** `<base>/<agent>/<runner>` of agents that are gone: kill what is left in them, remove the directories. */
async function sweep(
  fs: CgroupFs,
  base: string,
  self: string,
  open: (agentDir: string, runner: string) => RunnerCgroup,
  otherBases: (string | null)[],
): Promise<number> {
  let swept = 0;
  const list = (dir: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name);
    } catch {
      return [];
    }
  };
  for (const agentDir of list(base)) {
    if (agentDir === self || agentAlive(agentDir)) continue;
    for (const runner of list(joinPath(base, agentDir))) {
      const cg = open(agentDir, runner);
      await cg.killAll();
      await cg.remove();
      swept += 1;
    }
    for (const b of [base, ...otherBases]) if (b) tryRmdir(fs, joinPath(b, agentDir));
  }
  return swept;
}

function tryRmdir(fs: CgroupFs, dir: string): void {
  try {
    if (fs.exists(dir)) fs.rmdir(dir);
  } catch {
    // not empty (another runner's leftovers we could not remove): leave it
  }
}

function v1Driver(fs: CgroupFs, mounts: CgroupMounts, own: Map<string, string>, agentDir: string): V1Driver | null {
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

function v2Driver(fs: CgroupFs, mounts: CgroupMounts, own: Map<string, string>, agentDir: string): V2Driver | null {
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
  return (
    v1Driver(fs, mounts, own, agentDir) ??
    v2 ?? {
      capabilities: NO_ISOLATION(
        "no writable cgroup (v2 delegated subtree or v1 freezer): pause uses SIGSTOP, which fails claude's running tool command",
      ),
    }
  );
}

export const isDriver = (d: CgroupDriver | { capabilities: NodeCapabilities }): d is CgroupDriver => "create" in d;
