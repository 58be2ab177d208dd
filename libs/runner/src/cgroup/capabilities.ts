/**
 * What a node can do to isolate runners (DESIGN §2), reported to the server at every
 * connect and shown on the Nodes page.
 *
 * - cgroup-v2: a delegated subtree of the unified hierarchy (cgroup.freeze, cgroup.kill).
 * - cgroup-v1: the freezer hierarchy (plus memory and cpu where mounted and writable).
 * - none: no writable cgroup; stop works through a /proc tree snapshot and pause falls back
 *   to SIGSTOP, which makes claude's job-control wrapper fail the running tool (exit 147).
 */
export type IsolationMode = "cgroup-v2" | "cgroup-v1" | "none";

export interface NodeCapabilities {
  isolation: IsolationMode;
  pause: "freeze" | "signals";
  memoryLimit: boolean;
  cpuLimit: boolean;
  /** One line for humans: where runners' cgroups live, or why there are none. */
  detail: string;
}

/** Optional per-runner limits, enforced by the cgroup (ignored without one). */
export interface RunnerLimits {
  memoryBytes?: number;
  /** 100 = one core. */
  cpuPercent?: number;
}

export const NO_ISOLATION = (why: string): NodeCapabilities => ({
  isolation: "none",
  pause: "signals",
  memoryLimit: false,
  cpuLimit: false,
  detail: why,
});
