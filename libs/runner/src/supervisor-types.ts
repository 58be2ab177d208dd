import type { RunnerLimits } from "./cgroup/capabilities.ts";
import type { CgroupDriver } from "./cgroup/cgroup-driver.ts";
import type { ClaudeLaunchSpec } from "./base/claude-args.ts";
import type { TreeSample } from "./proc-stats.ts";
import type { RunnerActivity } from "./activity/screen-tracker.ts";
import type { RunnerDeps, RunnerExit, RunnerState } from "./pty-runner.ts";

/** The supervisor's options, launch arguments, listings and events (supervisor.ts). */

export interface SupervisorOptions {
  /** Where per-runner output logs go; no logs when absent. */
  logDir?: string;
  logMaxBytes?: number;
  logFiles?: number;
  graceMs?: number;
  /** How often every runner's tree is re-read (one /proc scan shared by all runners). */
  trackMs?: number;
  ringBytes?: number;
  /** One cgroup per runner when the node allows it (see detectCgroups); signals otherwise. */
  cgroups?: CgroupDriver;
  runnerDeps?: Partial<RunnerDeps>;
  sampler?: (pid: number) => Promise<TreeSample>;
  onLogError?: (err: Error) => void;
}

export interface LaunchOptions {
  runnerId: string;
  cwd: string;
  claudeBin: string;
  spec: ClaudeLaunchSpec;
  env: Record<string, string>;
  cols?: number;
  rows?: number;
  /** Enforced by the runner's cgroup, when there is one. */
  limits?: RunnerLimits;
}

export interface RunnerInfo {
  runnerId: string;
  pid: number;
  status: RunnerState;
  cwd: string;
  sessionId: string;
}

export interface RunnerSample {
  runnerId: string;
  status: RunnerState;
  pid: number;
  cpuPercent: number;
  rssBytes: number;
  activity: RunnerActivity;
}

export type SupervisorEvents = {
  started: [e: { runnerId: string; pid: number }];
  session: [e: { runnerId: string; sessionId: string }];
  output: [e: { runnerId: string; seq: number; data: string }];
  state: [e: { runnerId: string; status: RunnerState }];
  exited: [e: { runnerId: string; pid: number } & RunnerExit];
};
