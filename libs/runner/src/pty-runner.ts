import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { constants } from "node:os";
import { RunnerStateError, SpawnError } from "./base/errors.ts";
import { preflightSpawn } from "./preflight.ts";
import { oneAtATime } from "./base/one-at-a-time.ts";
import { nodePtySpawn, systemClock, type PtyProcess } from "./pty-spawn.ts";
import { OutputRing } from "./ring-buffer.ts";
import type { ProcStat } from "./base/process-tree.ts";
import { joinCommand } from "./cgroup/join-command.ts";
import type { RunnerCgroup } from "./cgroup/runner-cgroup.ts";
import { systemProcessOps, TreeTracker } from "./tree-tracker.ts";
import {
  DEFAULT_COLS,
  DEFAULT_ROWS,
  type PtyRunnerOptions,
  type RunnerDeps,
  type RunnerExit,
  type RunnerState,
  type StopReason,
} from "./pty-runner-options.ts";

export * from "./pty-runner-options.ts";

type RunnerEvents = { output: [data: string, seq: number]; exit: [exit: RunnerExit]; state: [state: RunnerState] };

const SIGNAL_NAMES = new Map(Object.entries(constants.signals).map(([name, num]) => [num, name as NodeJS.Signals]));
const REAP_POLL_MS = 10;
/** Inherited by everything claude starts; see TreeTracker. */
export const RUNNER_TAG_ENV = "STRATAVORE_RUNNER_TAG";
const REAP_POLLS = 50;

/**
 * One claude in a pseudo-terminal, as a state machine you can kill (DESIGN.md §2, §9.9):
 * starting → running ⇄ paused → stopping → exited. Signals go to every process of the tree
 * read from /proc, not to a process group: Claude runs tool commands in their own sessions.
 */
export class PtyRunner extends EventEmitter<RunnerEvents> {
  readonly ring: OutputRing;
  private readonly opts: PtyRunnerOptions;
  private readonly deps: RunnerDeps;
  private current: RunnerState = "starting";
  private pty: PtyProcess | null = null;
  private tracker: TreeTracker | null = null;
  private stopReason: StopReason | null = null;
  private graceTimer: unknown = null;
  private trackTimer: unknown = null;
  private exitResult: RunnerExit | null = null;
  private exiting = false;
  private settle: (exit: RunnerExit) => void = () => {};
  private readonly exitPromise: Promise<RunnerExit>;

  constructor(opts: PtyRunnerOptions) {
    super();
    this.opts = opts;
    this.ring = opts.ring ?? new OutputRing(512 * 1024);
    this.deps = {
      spawn: nodePtySpawn,
      clock: systemClock,
      proc: systemProcessOps,
      preflight: preflightSpawn,
      selfPid: process.pid,
      ...opts.deps,
    };
    this.exitPromise = new Promise((resolve) => (this.settle = resolve));
  }

  get state(): RunnerState {
    return this.current;
  }

  get pid(): number | null {
    return this.pty?.pid ?? null;
  }

  get exit(): RunnerExit | null {
    return this.exitResult;
  }

  waitForExit(): Promise<RunnerExit> {
    return this.exitPromise;
  }

  /** Spawns claude and returns its pid. Throws SpawnError, with nothing spawned, when it cannot run. */
  start(): number {
    if (this.current !== "starting" || this.pty)
      throw new RunnerStateError(`cannot start a runner that is ${this.current}`);
    const { command, args, cwd, env, cols = DEFAULT_COLS, rows = DEFAULT_ROWS, trackMs = 1000 } = this.opts;
    const tagValue = randomUUID();
    let pty: PtyProcess;
    try {
      const file = this.deps.preflight(command, cwd, env);
      const cg = this.opts.cgroup;
      const [spawnFile, spawnArgs] = cg ? joinCommand(cg, file, args) : [file, args];
      try {
        pty = this.deps.spawn(spawnFile, spawnArgs, { cwd, env: { ...env, [RUNNER_TAG_ENV]: tagValue }, cols, rows });
      } catch (err) {
        throw new SpawnError("SPAWN_FAILED", `Could not start ${file}: ${(err as Error).message}`);
      }
    } catch (err) {
      this.finish({ exitCode: null, signal: null, endedBy: "process" }, false);
      throw err;
    }
    this.pty = pty;
    this.tracker = new TreeTracker(pty.pid, this.deps.proc, this.deps.selfPid, `${RUNNER_TAG_ENV}=${tagValue}`);
    pty.onData((data) => this.emit("output", data, this.ring.push(data)));
    pty.onExit(({ exitCode, signal }) => this.onProcessExit(exitCode, signal));
    if (trackMs > 0) this.trackTimer = this.deps.clock.setInterval(() => this.refresh(), trackMs);
    this.setState("running");
    return pty.pid;
  }

  /** Remembers the current tree; `table` lets a caller share one /proc read between runners. */
  refresh(table?: ProcStat[]): void {
    if (this.current === "exited") return;
    try {
      this.tracker?.collect(false, table);
    } catch {
      // /proc unreadable for a moment: the next refresh retries
    }
  }

  write(data: string): void {
    this.live("write to").write(data);
  }

  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1)
      throw new RangeError(`bad terminal size ${cols}x${rows}`);
    this.live("resize").resize(cols, rows);
  }

  /** Whether pause freezes a cgroup (nothing notices) or sends SIGSTOP (claude's tool wrapper does). */
  get pauseMode(): "freeze" | "signals" {
    return this.opts.cgroup ? "freeze" : "signals";
  }

  /**
   * Freezes the cgroup, else SIGSTOP for every process of the tree, children first; idempotent.
   * Pauses and resumes run one at a time: a second pause arriving while a freeze settles (the
   * agent's own budget check and the server's) waits for it, rather than thawing what it froze.
   */
  pause = (): Promise<void> => this.pauseOrResume(() => this.pauseNow());
  resume = (): Promise<void> => this.pauseOrResume(() => this.resumeNow());
  private readonly pauseOrResume = oneAtATime();

  private async pauseNow(): Promise<void> {
    if (this.current === "paused") return;
    if (this.current !== "running") throw new RunnerStateError(`cannot pause a runner that is ${this.current}`);
    const cg = this.opts.cgroup;
    if (cg) {
      try {
        await cg.freeze();
      } catch (err) {
        // Half-frozen and reported as running would be stuck: nothing would ever thaw it.
        await cg.thaw().catch(() => undefined);
        throw err;
      }
      // Stopped while the freeze settled: thaw, so claude can act on its SIGTERM within the grace.
      if (this.current !== "running") return void (await cg.thaw().catch(() => undefined));
    } else this.tracker?.stopAll();
    if (this.current === "running") this.setState("paused");
  }

  private async resumeNow(): Promise<void> {
    if (this.current === "running") return;
    if (this.current !== "paused") throw new RunnerStateError(`cannot resume a runner that is ${this.current}`);
    if (this.opts.cgroup) await this.opts.cgroup.thaw();
    else this.signalTree("SIGCONT");
    if (this.current === "paused") this.setState("running");
  }

  /** SIGTERM to claude (it ends its tools itself), then SIGKILL for the whole tree after the grace. */
  stop(reason: StopReason = "user"): Promise<RunnerExit> {
    if (!this.beginEnding(reason)) return this.exitPromise;
    const wasPaused = this.current === "paused";
    this.setState("stopping");
    this.tracker?.look(); // the snapshot is taken before anything can re-parent
    if (this.pty) this.tracker?.signalPids([this.pty.pid], "SIGTERM");
    // A stopped or frozen process keeps SIGTERM pending forever; let the whole tree run to handle it.
    if (wasPaused) {
      if (this.opts.cgroup) void this.opts.cgroup.thaw().catch(() => undefined);
      this.signalTree("SIGCONT");
    }
    this.graceTimer = this.deps.clock.setTimeout(() => this.killEverything(), this.opts.graceMs ?? 5000);
    return this.exitPromise;
  }

  /** SIGKILL for the whole tree now. */
  kill(reason: StopReason = "user"): Promise<RunnerExit> {
    this.beginEnding(reason);
    if (this.current === "exited") return this.exitPromise;
    this.setState("stopping");
    this.killEverything();
    return this.exitPromise;
  }

  /** SIGKILL for the cgroup's members and the tracked tree (a process may have left neither). */
  private killEverything(): void {
    const cg = this.opts.cgroup;
    if (cg) {
      // The kill loop's first round begins at once, with a freeze. On the agent's way out
      // (killAllSync from process.on('exit')) nothing async runs after this, so the synchronous
      // kill and thaw come last: the other order left the cgroup frozen over a SIGKILL that
      // could never land (seen after a kill -9 of the server, with the real claude).
      void cg.killAll().catch(() => undefined);
      cg.killSync();
    }
    this.signalTree("SIGKILL");
  }

  private beginEnding(reason: StopReason): boolean {
    if (this.current === "starting") throw new RunnerStateError("the runner was never started");
    if (this.current === "exited" || this.stopReason) return false;
    this.stopReason = reason;
    return true;
  }

  private live(verb: string): PtyProcess {
    if (!this.pty || this.current === "exited")
      throw new RunnerStateError(`cannot ${verb} a runner that is ${this.current}`);
    return this.pty;
  }

  /** Signals every live process of the tree (see TreeTracker.signalAll). Returns the pids found. */
  private signalTree(signal: NodeJS.Signals, childrenFirst = false): number[] {
    return this.tracker?.signalAll(signal, childrenFirst) ?? [];
  }

  private onProcessExit(exitCode: number, signalNumber?: number): void {
    if (this.exiting) return;
    this.exiting = true;
    const { clock } = this.deps;
    clock.clearInterval(this.trackTimer);
    clock.clearTimeout(this.graceTimer);
    const signal = signalNumber ? (SIGNAL_NAMES.get(signalNumber) ?? null) : null;
    const exit: RunnerExit = {
      exitCode: signalNumber ? null : exitCode,
      signal,
      endedBy: this.stopReason ?? "process",
    };
    // Claude is gone; whatever it left behind (tools that ignored SIGTERM, everything after a
    // crash) is killed now and the exit reported only once none of it is alive.
    const sweep = (polls: number) => {
      const left = this.signalTree("SIGKILL");
      if (left.length === 0 || polls >= REAP_POLLS) {
        if (this.opts.cgroup) void this.releaseCgroup(this.opts.cgroup, exit).then(() => this.finish(exit, true));
        else this.finish(exit, true);
      } else clock.setTimeout(() => sweep(polls + 1), REAP_POLL_MS);
    };
    sweep(0);
  }

  /** Empties and removes the cgroup, noting first whether its memory limit killed something. */
  private async releaseCgroup(cg: RunnerCgroup, exit: RunnerExit): Promise<void> {
    try {
      if (cg.oomKilled()) exit.oomKilled = true;
      await cg.killAll();
      await cg.remove();
    } catch {
      // a cgroup we cannot remove is left for the next agent start's sweep
    }
  }

  private finish(exit: RunnerExit, emit: boolean): void {
    this.exitResult = exit;
    this.setState("exited");
    this.settle(exit);
    if (emit) this.emit("exit", exit);
  }

  private setState(next: RunnerState): void {
    if (next === this.current) return;
    this.current = next;
    this.emit("state", next);
  }
}
