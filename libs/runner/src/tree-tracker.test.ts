import { describe, expect, it } from "vitest";
import type { ProcStat } from "./base/process-tree.ts";
import { TreeTracker, type ProcessOps } from "./tree-tracker.ts";

function proc(pid: number, ppid: number, extra: Partial<ProcStat> = {}): ProcStat {
  return { pid, ppid, comm: "p", state: "S", pgrp: pid, session: pid, startTime: 1000 + pid, ...extra };
}

function fakeOps(table: ProcStat[]) {
  const sent: Array<{ pids: number[]; signal: string }> = [];
  const environ = new Map<number, string>();
  const ops: ProcessOps = {
    readTable: () => table,
    signal: (pids, signal) => (sent.push({ pids, signal }), pids.length),
    environOf: (pid) => environ.get(pid) ?? null,
  };
  return { ops, sent, environ };
}

describe("TreeTracker", () => {
  it("still knows a grandchild after its parent died and it was re-parented to init", () => {
    const table = [proc(1, 0), proc(100, 1), proc(101, 100, { session: 100 }), proc(102, 101)];
    const { ops } = fakeOps(table);
    const tracker = new TreeTracker(100, ops, 1);
    expect(tracker.collect()).toEqual([100, 101, 102]);
    table.splice(0, table.length, proc(1, 0), proc(102, 1));
    expect(tracker.collect()).toEqual([102]);
  });

  it("forgets a remembered pid that now belongs to another process (start time differs)", () => {
    const table = [proc(100, 1), proc(101, 100)];
    const tracker = new TreeTracker(100, fakeOps(table).ops, 1);
    tracker.collect();
    table.splice(0, table.length, proc(101, 1, { startTime: 999_999 }));
    expect(tracker.collect()).toEqual([]);
  });

  it("finds members of a tracked tool session started after the last look", () => {
    const table = [proc(100, 1), proc(200, 100)]; // 200: a setsid'd tool command
    const tracker = new TreeTracker(100, fakeOps(table).ops, 1);
    tracker.collect();
    // 100 exits; 200 is re-parented and forks 201 (double-forked away from 200's tree as well).
    table.splice(0, table.length, proc(200, 1), proc(201, 1, { session: 200 }), proc(300, 1, { session: 300 }));
    expect(tracker.collect()).toEqual([200, 201]);
  });

  it("finds, on a deep look only, an orphan it never saw that carries the runner's env tag", () => {
    const table = [proc(100, 1), proc(400, 1, { session: 400 }), proc(500, 1, { session: 500 })];
    const { ops, environ } = fakeOps(table);
    environ.set(400, "PATH=/bin\0STRATAVORE_RUNNER_TAG=abc\0HOME=/h\0");
    environ.set(500, "STRATAVORE_RUNNER_TAG=abcd\0");
    const tracker = new TreeTracker(100, ops, 1, "STRATAVORE_RUNNER_TAG=abc");
    expect(tracker.collect()).toEqual([100]);
    expect(tracker.collect(true)).toEqual([100, 400]);
  });

  it("ignores zombies and never includes its own pid", () => {
    const table = [proc(100, 50), proc(101, 100, { state: "Z" }), proc(50, 100)];
    const tracker = new TreeTracker(100, fakeOps(table).ops, 50);
    expect(tracker.collect()).toEqual([100]);
  });

  it("signals children first when asked", () => {
    const table = [proc(100, 1), proc(101, 100), proc(102, 101)];
    const { ops, sent } = fakeOps(table);
    new TreeTracker(100, ops, 1).signalAll("SIGSTOP", true);
    expect(sent).toEqual([{ pids: [102, 101, 100], signal: "SIGSTOP" }]);
  });
});
