import { describe, expect, it } from "vitest";
import { RunnerStateError, SpawnError } from "./base/errors.ts";
import type { ProcStat } from "./base/process-tree.ts";
import { PtyRunner, type RunnerDeps } from "./pty-runner.ts";
import type { Clock, PtyProcess } from "./pty-spawn.ts";

/** Drives PtyRunner without any real process: a scripted PTY, clock and process table. */
function harness(trackMs?: number) {
  const proc = (pid: number, ppid: number, session = 100): ProcStat => ({
    pid,
    ppid,
    comm: "p",
    state: "S",
    pgrp: pid,
    session,
    startTime: pid,
  });
  const table: ProcStat[] = [proc(100, 1), proc(101, 100), proc(200, 101, 200)];
  const signals: string[] = [];
  const timers: Array<{ at: number; fn: () => void; every?: number; id: number }> = [];
  let now = 0;
  let nextId = 1;
  const clock: Clock = {
    setTimeout: (fn, ms) => (timers.push({ at: now + ms, fn, id: nextId }), nextId++),
    clearTimeout: (id) =>
      void timers.splice(timers.findIndex((t) => t.id === id) >>> 0, timers.some((t) => t.id === id) ? 1 : 0),
    setInterval: (fn, ms) => (timers.push({ at: now + ms, fn, every: ms, id: nextId }), nextId++),
    clearInterval: (id) =>
      void timers.splice(timers.findIndex((t) => t.id === id) >>> 0, timers.some((t) => t.id === id) ? 1 : 0),
  };
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      if (due.every) due.at += due.every;
      else timers.splice(timers.indexOf(due), 1);
      due.fn();
    }
    now = until;
  };
  let onData: (d: string) => void = () => {};
  let onExit: (e: { exitCode: number; signal?: number }) => void = () => {};
  const written: string[] = [];
  const pty: PtyProcess = {
    pid: 100,
    onData: (l) => (onData = l),
    onExit: (l) => (onExit = l),
    write: (d) => void written.push(d),
    resize: () => {},
  };
  const deps: Partial<RunnerDeps> = {
    spawn: () => pty,
    clock,
    preflight: (c) => c,
    selfPid: 1,
    proc: {
      environOf: () => null,
      readTable: () => table,
      signal: (pids, signal) => {
        signals.push(`${signal}:${pids.join(",")}`);
        if (signal === "SIGKILL") table.splice(0, table.length, ...table.filter((p) => !pids.includes(p.pid)));
        return pids.length;
      },
    },
  };
  const runner = new PtyRunner({ command: "claude", args: [], cwd: "/", env: {}, graceMs: 5000, trackMs, deps });
  const exit = (exitCode: number, signal?: number) => {
    table.splice(0, table.length, ...table.filter((p) => p.pid !== 100));
    onExit({ exitCode, signal });
  };
  return { runner, table, signals, timers, advance, emit: (d: string) => onData(d), exit, written, proc };
}

describe("PtyRunner state machine (injected spawn, clock and /proc)", () => {
  it("numbers output into its ring and forwards input", () => {
    const h = harness();
    const seen: Array<[string, number]> = [];
    h.runner.on("output", (d, s) => seen.push([d, s]));
    expect(h.runner.start()).toBe(100);
    expect(h.runner.state).toBe("running");
    h.emit("hi");
    h.emit("there");
    h.runner.write("x\r");
    expect(seen).toEqual([
      ["hi", 1],
      ["there", 2],
    ]);
    expect(h.runner.ring.snapshot()).toBe("hithere");
    expect(h.written).toEqual(["x\r"]);
  });

  it("stop: SIGTERM to claude only, SIGKILL to the pre-signal snapshot after the grace", async () => {
    const h = harness();
    h.runner.start();
    const done = h.runner.stop();
    expect(h.runner.state).toBe("stopping");
    expect(h.signals).toEqual(["SIGTERM:100"]);
    h.advance(4999);
    expect(h.signals).toHaveLength(1);
    h.table.push(h.proc(300, 200, 200)); // forked during the grace: killed too
    h.advance(1);
    expect(h.signals[1]).toBe("SIGKILL:100,101,200,300");
    h.exit(0, 9);
    expect(await done).toEqual({ exitCode: null, signal: "SIGKILL", endedBy: "user" });
    expect(h.runner.state).toBe("exited");
  });

  it("a graceful exit cancels the grace timer and sweeps leftovers", async () => {
    const h = harness();
    h.runner.start();
    const done = h.runner.stop("budget");
    let settled = false;
    void done.then(() => (settled = true));
    h.exit(0); // claude left 101 and the setsid'd 200 behind
    expect(h.signals).toEqual(["SIGTERM:100", "SIGKILL:101,200"]);
    await Promise.resolve();
    expect(settled).toBe(false); // the exit is reported once the leftovers are confirmed gone
    h.advance(10);
    expect(await done).toEqual({ exitCode: 0, signal: null, endedBy: "budget" });
    h.advance(10_000);
    expect(h.signals).toHaveLength(2);
  });

  it("without a cgroup: pauses children first, resumes everything, and SIGCONTs a paused tree it stops", async () => {
    const h = harness();
    h.runner.start();
    expect(h.runner.pauseMode).toBe("signals");
    await h.runner.pause();
    await h.runner.pause(); // idempotent
    expect(h.signals).toEqual(["SIGSTOP:200,101,100"]);
    expect(h.runner.state).toBe("paused");
    await h.runner.resume();
    expect(h.signals[1]).toBe("SIGCONT:100,101,200");
    await h.runner.pause();
    void h.runner.stop();
    expect(h.signals.slice(3)).toEqual(["SIGTERM:100", "SIGCONT:100,101,200"]);
  });

  it("remembers what a periodic look saw, so a later kill reaches re-parented processes", () => {
    const h = harness(1000);
    h.runner.start();
    h.table.push(h.proc(300, 200, 200)); // the tool forks
    h.advance(1000); // periodic look
    h.table.splice(0, h.table.length, h.proc(100, 1), h.proc(300, 1, 200)); // 101 and 200 die, 300 is re-parented
    void h.runner.kill();
    expect(h.signals).toEqual(["SIGKILL:100,300"]);
  });

  it("with trackMs 0 it looks only when refresh() hands it a table", () => {
    const h = harness(0);
    h.runner.start();
    expect(h.timers).toHaveLength(0);
    h.runner.refresh([...h.table, h.proc(300, 200, 300)]);
    h.table.splice(0, h.table.length, h.proc(100, 1), h.proc(300, 1, 300));
    void h.runner.kill();
    expect(h.signals).toEqual(["SIGKILL:100,300"]);
  });

  it("reports an exit nobody asked for as endedBy process", async () => {
    const h = harness();
    h.runner.start();
    const exits: unknown[] = [];
    h.runner.on("exit", (e) => exits.push(e));
    h.exit(3);
    expect(exits).toEqual([{ exitCode: 3, signal: null, endedBy: "process" }]);
    expect(await h.runner.waitForExit()).toEqual(exits[0]);
  });

  it("rejects commands that do not fit the state", async () => {
    const h = harness();
    await expect(h.runner.pause()).rejects.toThrow(RunnerStateError);
    expect(() => h.runner.stop()).toThrow(RunnerStateError);
    h.runner.start();
    expect(() => h.runner.start()).toThrow(RunnerStateError);
    expect(() => h.runner.resize(0, 10)).toThrow(RangeError);
    h.exit(0);
    await h.runner.waitForExit();
    expect(() => h.runner.write("x")).toThrow(RunnerStateError);
    await expect(h.runner.pause()).rejects.toThrow(RunnerStateError);
    await expect(h.runner.stop()).resolves.toMatchObject({ endedBy: "process" });
  });

  it("turns a throwing spawn into SpawnError and ends without an exit event", async () => {
    const runner = new PtyRunner({
      command: "claude",
      args: [],
      cwd: "/",
      env: {},
      deps: {
        preflight: (c) => c,
        spawn: () => {
          throw new Error("forkpty(3) failed.");
        },
      },
    });
    let exits = 0;
    runner.on("exit", () => (exits += 1));
    expect(() => runner.start()).toThrow(SpawnError);
    expect(runner.state).toBe("exited");
    expect(exits).toBe(0);
    await expect(runner.waitForExit()).resolves.toEqual({ exitCode: null, signal: null, endedBy: "process" });
  });
});
