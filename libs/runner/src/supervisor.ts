import { EventEmitter } from "node:events";
import type { RunnerCgroup } from "./cgroup/runner-cgroup.ts";
import { buildClaudeArgs, ownSessionId } from "./base/claude-args.ts";
import { RunnerError, UnknownRunnerError } from "./base/errors.ts";
import { sampleTree } from "./proc-stats.ts";
import { readProcTable } from "./base/process-tree.ts";
import { systemClock } from "./pty-spawn.ts";
import { ScreenTracker, type RunnerActivity } from "./activity/screen-tracker.ts";
import {
  DEFAULT_COLS,
  DEFAULT_ROWS,
  PtyRunner,
  type RunnerExit,
  type RunnerState,
  type StopReason,
} from "./pty-runner.ts";
import { OutputRing, type OutputChunk } from "./ring-buffer.ts";
import { openRunnerLog, type RunnerLog } from "./runner-log.ts";
import { systemProcessOps } from "./tree-tracker.ts";
import type {
  LaunchOptions,
  RunnerInfo,
  RunnerSample,
  SupervisorEvents,
  SupervisorOptions,
} from "./supervisor-types.ts";

export type * from "./supervisor-types.ts";

interface Entry {
  runnerId: string;
  runner: PtyRunner;
  pid: number;
  cwd: string;
  sessionId: string;
  log: RunnerLog | null;
  /** Its screen as a person sees it, to tell working from waiting from idle. */
  screen: ScreenTracker;
  /** Settles once `exited` has been emitted. */
  done: Promise<void>;
  cgroup?: RunnerCgroup;
}

/**
 * All runners of one agent. The agent wires these events to the server; nothing here
 * touches the database. Install no process-wide hooks: the agent calls killAllSync() from
 * its own process.on('exit').
 */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly runners = new Map<string, Entry>();
  /** Cgroups of ended runners that still held a process (one stuck in the kernel): swept at exit. */
  private readonly leftCgroups = new Set<RunnerCgroup>();
  private trackTimer: unknown = null;

  constructor(private readonly opts: SupervisorOptions = {}) {
    super();
  }

  /** What pause does on this node: freeze a cgroup, or SIGSTOP (which fails claude's running tool). */
  get pauseMode(): "freeze" | "signals" {
    return this.opts.cgroups ? "freeze" : "signals";
  }

  /**
   * Starts claude for a runner and returns its pid; throws SpawnError / ClaudeArgsError with
   * nothing running. The session is named in the spec, so it is reported at once.
   */
  launch(o: LaunchOptions): number {
    if (this.runners.has(o.runnerId))
      throw new RunnerError("RUNNER_EXISTS", `Runner ${o.runnerId} is already running on this node.`);
    const { logDir, logMaxBytes, logFiles, graceMs, ringBytes = 512 * 1024, runnerDeps, onLogError } = this.opts;
    const args = buildClaudeArgs(o.spec);
    let cgroup: RunnerCgroup | undefined;
    try {
      cgroup = this.opts.cgroups?.create(o.runnerId, o.limits);
    } catch (err) {
      throw new RunnerError("SPAWN_FAILED", `Could not create the runner's cgroup: ${(err as Error).message}`);
    }
    const runner = new PtyRunner({
      command: o.claudeBin,
      args,
      cwd: o.cwd,
      env: o.env,
      cols: o.cols,
      rows: o.rows,
      graceMs,
      ring: new OutputRing(ringBytes),
      deps: runnerDeps,
      trackMs: 0,
      cgroup,
    });
    const log = logDir
      ? openRunnerLog({
          dir: logDir,
          runnerId: o.runnerId,
          maxBytes: logMaxBytes,
          files: logFiles,
          onError: onLogError,
        })
      : null;
    let pid: number;
    try {
      pid = runner.start();
    } catch (err) {
      void log?.close();
      void cgroup?.remove();
      throw err;
    }
    let reported = () => {};
    const done = new Promise<void>((resolve) => (reported = resolve));
    const screen = new ScreenTracker(o.cols ?? DEFAULT_COLS, o.rows ?? DEFAULT_ROWS);
    const entry: Entry = {
      runnerId: o.runnerId,
      runner,
      pid,
      cwd: o.cwd,
      sessionId: ownSessionId(o.spec),
      log,
      screen,
      done,
      cgroup,
    };
    this.runners.set(o.runnerId, entry);
    runner.on("output", (data, seq) => {
      log?.write(data);
      screen.write(data);
      this.emit("output", { runnerId: o.runnerId, seq, data });
    });
    runner.on("state", (status) => this.emit("state", { runnerId: o.runnerId, status }));
    runner.on("exit", (exit) => void this.onExit(entry, exit).finally(reported));
    this.startTracking();
    this.emit("started", { runnerId: o.runnerId, pid });
    this.emit("session", { runnerId: o.runnerId, sessionId: entry.sessionId });
    return pid;
  }

  write(runnerId: string, data: string): void {
    this.get(runnerId).runner.write(data);
  }

  resize(runnerId: string, cols: number, rows: number): void {
    const e = this.get(runnerId);
    e.runner.resize(cols, rows);
    e.screen.resize(cols, rows);
  }

  /** What each runner is doing, read from its screen (cheap: a screen is read only after output). */
  activity(): { runnerId: string; activity: RunnerActivity }[] {
    return [...this.runners.values()].map((e) => ({ runnerId: e.runnerId, activity: e.screen.sample() }));
  }

  pause(runnerId: string): Promise<void> {
    return this.get(runnerId).runner.pause();
  }

  resume(runnerId: string): Promise<void> {
    return this.get(runnerId).runner.resume();
  }

  stop(runnerId: string, reason: StopReason = "user"): Promise<RunnerExit> {
    return this.get(runnerId).runner.stop(reason);
  }

  kill(runnerId: string, reason: StopReason = "user"): Promise<RunnerExit> {
    return this.get(runnerId).runner.kill(reason);
  }

  /** Output after `afterSeq` still in memory, for a viewer that (re)attaches. */
  scrollback(runnerId: string, afterSeq = 0): OutputChunk[] {
    return this.get(runnerId).runner.ring.since(afterSeq);
  }

  /** A runner's state here, or null when this node does not run it. */
  status(runnerId: string): RunnerState | null {
    return this.runners.get(runnerId)?.runner.state ?? null;
  }

  list(): RunnerInfo[] {
    return [...this.runners.values()].map((e) => ({
      runnerId: e.runnerId,
      pid: e.pid,
      status: e.runner.state,
      cwd: e.cwd,
      sessionId: e.sessionId,
    }));
  }

  /** CPU and memory of every runner's whole tree, for the heartbeat. */
  async sample(): Promise<RunnerSample[]> {
    let sampler = this.opts.sampler;
    if (!sampler) {
      const table = readProcTable();
      sampler = (pid) => sampleTree(pid, table);
    }
    return Promise.all(
      [...this.runners.values()].map(async (e) => {
        const s = await sampler(e.pid).catch(() => ({ cpuPercent: 0, rssBytes: 0 }));
        return {
          runnerId: e.runnerId,
          status: e.runner.state,
          pid: e.pid,
          cpuPercent: s.cpuPercent,
          rssBytes: s.rssBytes,
          activity: e.screen.sample(),
        };
      }),
    );
  }

  /**
   * Stops every runner as a user's stop does — SIGTERM, then SIGKILL for the whole tree after
   * the grace — and waits until each has reported its exit. claude writes its own cost record as
   * it exits on SIGTERM; killed at once (as it was), a resumed session's "claude's own cost"
   * lacked that run and read 47 % below ours (the real-claude review).
   */
  async shutdown(): Promise<void> {
    const entries = [...this.runners.values()];
    for (const e of entries) {
      try {
        void e.runner.stop("agent");
      } catch {
        // Never started (its spawn failed): nothing runs to stop.
      }
    }
    await Promise.all(entries.map((e) => e.done));
    // Left behind, the agent's own (empty) cgroup folders would wait for the next start's sweep.
    this.opts.cgroups?.removeOwn();
  }

  /** For process.on('exit'), where nothing async runs: SIGKILL every known tree now. */
  killAllSync(): void {
    for (const e of this.runners.values()) void e.runner.kill("agent");
    // Killed and thawed once more: nothing this agent froze may stay frozen after it.
    for (const cg of this.leftCgroups) cg.killSync();
  }

  /**
   * One /proc read per tick for all runners, instead of one per runner: with a hundred
   * runners per-runner scans would cost a core.
   */
  private startTracking(): void {
    if (this.trackTimer !== null) return;
    const clock = this.opts.runnerDeps?.clock ?? systemClock;
    const proc = this.opts.runnerDeps?.proc ?? systemProcessOps;
    this.trackTimer = clock.setInterval(() => {
      if (this.runners.size === 0) {
        clock.clearInterval(this.trackTimer);
        this.trackTimer = null;
        return;
      }
      try {
        const table = proc.readTable();
        for (const e of this.runners.values()) e.runner.refresh(table);
      } catch {
        // /proc unreadable for a moment: the next tick retries
      }
    }, this.opts.trackMs ?? 1000);
  }

  private get(runnerId: string): Entry {
    const entry = this.runners.get(runnerId);
    if (!entry) throw new UnknownRunnerError(runnerId);
    return entry;
  }

  private async onExit(entry: Entry, exit: RunnerExit): Promise<void> {
    this.runners.delete(entry.runnerId);
    if (entry.cgroup && entry.cgroup.pids().length > 0) this.leftCgroups.add(entry.cgroup);
    entry.screen.dispose();
    await entry.log?.close();
    this.emit("exited", { runnerId: entry.runnerId, pid: entry.pid, ...exit });
  }
}
