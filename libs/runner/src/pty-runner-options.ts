import type { RunnerCgroup } from "./cgroup/runner-cgroup.ts";
import type { Clock, PtySpawn } from "./pty-spawn.ts";
import type { EndedBy } from "./restart-policy.ts";
import type { OutputRing } from "./ring-buffer.ts";
import type { ProcessOps } from "./tree-tracker.ts";

/** A runner's terminal until a viewer sizes it. */
export const DEFAULT_COLS = 120;
export const DEFAULT_ROWS = 32;

export type RunnerState = "starting" | "running" | "paused" | "stopping" | "exited";
/** Why someone asked the runner to end; "process" is reserved for exits nobody asked for. */
export type StopReason = Exclude<EndedBy, "process">;

export interface RunnerExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  endedBy: EndedBy;
  /** The kernel killed a process of the runner for exceeding its cgroup memory limit. */
  oomKilled?: boolean;
}

export interface RunnerDeps {
  spawn: PtySpawn;
  clock: Clock;
  proc: ProcessOps;
  preflight: (command: string, cwd: string, env: Record<string, string>) => string;
  selfPid: number;
}

export interface PtyRunnerOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** Time between SIGTERM to claude and SIGKILL of the whole tree. */
  graceMs?: number;
  ring?: OutputRing;
  /**
   * How often the process tree is re-read, so processes that get re-parented are still
   * known. 0: the owner calls refresh() instead (the Supervisor does, with one /proc read
   * for all its runners).
   */
  trackMs?: number;
  /**
   * The runner's own cgroup (DESIGN §2): claude joins it before it execs, so every process it
   * starts is inside. Pause freezes it and stop ends with killing everything in it. Without
   * one, pause falls back to SIGSTOP of the /proc tree.
   */
  cgroup?: RunnerCgroup;
  deps?: Partial<RunnerDeps>;
}
