import { setTimeout as sleep } from "node:timers/promises";
import { signalPids } from "../base/process-tree.ts";
import type { CgroupFs } from "./cgroup-fs.ts";

/**
 * One runner's cgroup: every process claude starts lands in it (setsid or not), so it can be
 * frozen without signals and killed to the last process. v1 spreads it over several
 * hierarchies (freezer, memory, cpu); v2 is one directory.
 */
export interface RunnerCgroup {
  /** The cgroup.procs files a process writes its pid into to join (the launch wrapper does). */
  readonly procsFiles: string[];
  freeze(): Promise<void>;
  thaw(): Promise<void>;
  /** Every process in the cgroup now. */
  pids(): number[];
  /** SIGKILL for everything inside, frozen so nothing forks meanwhile; resolves once empty (or after ~5 s). */
  killAll(): Promise<boolean>;
  /**
   * The same, synchronously and once, for an exit hook where nothing async runs: a frozen v1
   * task ignores SIGKILL until thawed, so this signals and then thaws.
   */
  killSync(): void;
  /** Whether the kernel's OOM killer acted because of the memory limit. */
  oomKilled(): boolean;
  /** Removes the directories; the cgroup must be empty (call killAll first). */
  remove(): Promise<void>;
}

const POLL_MS = 10;
const FREEZE_WAIT_MS = 3000;
/** How long killAll keeps at it: a task stuck in the kernel (D state) can outlast any signal. */
const KILL_WAIT_MS = 5000;
/** Inside a kill round the freeze only needs to slow forks down, not to finish. */
const KILL_FREEZE_WAIT_MS = 200;

export function parsePids(text: string): number[] {
  return text
    .split("\n")
    .map((s) => Number(s.trim()))
    .filter((n) => Number.isInteger(n) && n > 1);
}

/** `oom_kill N` from memory.oom_control (v1) or memory.events (v2). */
export function oomKillCount(text: string): number {
  const m = /^oom_kill (\d+)$/m.exec(text);
  return m ? Number(m[1]) : 0;
}

function killPids(pids: number[]): void {
  try {
    signalPids(pids, "SIGKILL");
  } catch {
    // EPERM for one (not ours): the others were still signalled, nothing more to do
  }
}

abstract class BaseCgroup implements RunnerCgroup {
  abstract readonly procsFiles: string[];
  protected abstract readonly dirs: string[];
  constructor(protected readonly fs: CgroupFs) {}

  abstract freeze(waitMs?: number): Promise<void>;
  abstract thaw(): Promise<void>;
  abstract oomKilled(): boolean;
  protected abstract writeThawed(): void;

  pids(): number[] {
    const all = new Set<number>();
    for (const file of this.procsFiles) {
      try {
        for (const pid of parsePids(this.fs.read(file))) all.add(pid);
      } catch {
        // removed already
      }
    }
    return [...all];
  }

  private killing: Promise<boolean> | null = null;

  /**
   * One kill loop per cgroup at a time: a stop's loop and the exit's release ran side by side,
   * each freezing and thawing out of step with the other, and the agent could exit between one
   * loop's freeze and its thaw — leaving the cgroup frozen with a killed claude stuck in it
   * (seen after a `kill -9` of the server, whose local agent then stopped).
   */
  killAll(): Promise<boolean> {
    this.killing ??= this.killLoop().finally(() => {
      this.killing = null;
    });
    return this.killing;
  }

  private async killLoop(): Promise<boolean> {
    const until = Date.now() + KILL_WAIT_MS;
    while (Date.now() < until) {
      const pids = this.pids();
      if (pids.length === 0) return true;
      await this.killRound(pids);
      await sleep(POLL_MS);
    }
    return this.pids().length === 0;
  }

  killSync(): void {
    try {
      killPids(this.pids());
      this.writeThawed();
    } catch {
      // removed already
    }
  }

  protected async killRound(pids: number[]): Promise<void> {
    // Frozen, nothing can fork a new process between reading the list and the signals;
    // the kill takes effect at the thaw.
    await this.freeze(KILL_FREEZE_WAIT_MS).catch(() => undefined);
    killPids([...new Set([...pids, ...this.pids()])]);
    await this.thaw().catch(() => undefined);
  }

  async remove(): Promise<void> {
    // Children first; a just-killed process may keep the directory busy for a moment.
    for (const dir of [...this.dirs].reverse()) {
      for (let i = 0; i < 50; i += 1) {
        try {
          if (this.fs.exists(dir)) this.fs.rmdir(dir);
          break;
        } catch {
          await sleep(20);
        }
      }
    }
  }

  protected async waitFor(check: () => boolean, what: string, waitMs = FREEZE_WAIT_MS): Promise<void> {
    const until = Date.now() + waitMs;
    while (!check()) {
      if (Date.now() > until) throw new Error(`cgroup did not become ${what} within ${waitMs} ms`);
      await sleep(POLL_MS);
    }
  }
}

/** cgroup v1: freezer.state FROZEN/THAWED; memory and cpu live in their own hierarchies. */
export class CgroupV1 extends BaseCgroup {
  readonly procsFiles: string[];
  protected readonly dirs: string[];

  constructor(
    fs: CgroupFs,
    private readonly freezer: string,
    private readonly memory: string | null,
    cpu: string | null,
  ) {
    super(fs);
    this.dirs = [freezer, memory, cpu].filter((d): d is string => d !== null);
    this.procsFiles = this.dirs.map((d) => `${d}/cgroup.procs`);
  }

  async freeze(waitMs?: number): Promise<void> {
    this.fs.write(`${this.freezer}/freezer.state`, "FROZEN");
    // FREEZING until every task has stopped; only FROZEN means nothing runs.
    await this.waitFor(() => this.fs.read(`${this.freezer}/freezer.state`).trim() === "FROZEN", "frozen", waitMs);
  }

  async thaw(): Promise<void> {
    this.writeThawed();
    await this.waitFor(() => this.fs.read(`${this.freezer}/freezer.state`).trim() === "THAWED", "thawed");
  }

  protected writeThawed(): void {
    this.fs.write(`${this.freezer}/freezer.state`, "THAWED");
  }

  oomKilled(): boolean {
    if (!this.memory) return false;
    try {
      return oomKillCount(this.fs.read(`${this.memory}/memory.oom_control`)) > 0;
    } catch {
      return false;
    }
  }
}

/** cgroup v2: one directory; cgroup.freeze, cgroup.events "frozen 1", cgroup.kill where the kernel has it (5.14+). */
export class CgroupV2 extends BaseCgroup {
  readonly procsFiles: string[];
  protected readonly dirs: string[];

  constructor(
    fs: CgroupFs,
    private readonly dir: string,
  ) {
    super(fs);
    this.dirs = [dir];
    this.procsFiles = [`${dir}/cgroup.procs`];
  }

  async freeze(waitMs?: number): Promise<void> {
    this.fs.write(`${this.dir}/cgroup.freeze`, "1");
    await this.waitFor(() => /^frozen 1$/m.test(this.fs.read(`${this.dir}/cgroup.events`)), "frozen", waitMs);
  }

  async thaw(): Promise<void> {
    this.writeThawed();
    await this.waitFor(() => /^frozen 0$/m.test(this.fs.read(`${this.dir}/cgroup.events`)), "thawed");
  }

  protected writeThawed(): void {
    this.fs.write(`${this.dir}/cgroup.freeze`, "0");
  }

  override killSync(): void {
    // cgroup.kill (5.14+) kills frozen tasks too, in one write.
    if (this.fs.exists(`${this.dir}/cgroup.kill`)) {
      try {
        this.fs.write(`${this.dir}/cgroup.kill`, "1");
        return;
      } catch {
        // fall back to signals below
      }
    }
    super.killSync();
  }

  protected override async killRound(pids: number[]): Promise<void> {
    if (this.fs.exists(`${this.dir}/cgroup.kill`)) {
      this.fs.write(`${this.dir}/cgroup.kill`, "1");
      return;
    }
    await super.killRound(pids);
  }

  oomKilled(): boolean {
    try {
      return oomKillCount(this.fs.read(`${this.dir}/memory.events`)) > 0;
    } catch {
      return false; // no memory controller here
    }
  }
}
