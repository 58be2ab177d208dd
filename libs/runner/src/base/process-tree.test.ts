import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import {
  isAlive,
  parseProcStat,
  readProcStat,
  signalPids,
  snapshotDescendants,
  type ProcStat,
} from "./process-tree.ts";
import { waitFor } from "../testing/helpers.ts";

const started: number[] = [];
afterEach(() => {
  signalPids(started.splice(0), "SIGKILL");
});

function proc(pid: number, ppid: number, session = pid): ProcStat {
  return { pid, ppid, comm: "x", state: "S", pgrp: pid, session, startTime: pid * 10 };
}

describe("parseProcStat", () => {
  it("counts fields from the last ')' so odd process names parse", () => {
    const line = "4242 (tmux: srv (1) x) S 17 4242 4242 0 -1 4194560 0 0 0 0 1 2 0 0 20 0 1 0 98765 0 0";
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      comm: "tmux: srv (1) x",
      state: "S",
      ppid: 17,
      pgrp: 4242,
      session: 4242,
      startTime: 98765,
    });
    expect(parseProcStat("garbage")).toBeNull();
  });

  it("reads this very process", () => {
    const me = readProcStat(process.pid)!;
    expect(me.pid).toBe(process.pid);
    expect(me.ppid).toBe(process.ppid);
    expect(me.startTime).toBeGreaterThan(0);
  });
});

describe("snapshotDescendants", () => {
  it("walks ppid links breadth-first, root first, across sessions", () => {
    const table = [proc(1, 0), proc(10, 1), proc(11, 10), proc(12, 10, 12), proc(13, 12, 12), proc(20, 1)];
    expect(snapshotDescendants(10, table)).toEqual([10, 11, 12, 13]);
    expect(snapshotDescendants(99, table)).toEqual([]);
  });

  it("finds a real setsid grandchild of a shell", async () => {
    const sh = spawn("sh", ["-c", "setsid sleep 30 & sleep 30"], { stdio: "ignore" });
    started.push(sh.pid!);
    // Until both children have exec'd sleep, one may still be `setsid` before its setsid():
    // still in the shell's session (a full run saw exactly that).
    const tree = await waitFor("sh + two sleeps", () => {
      const t = snapshotDescendants(sh.pid!);
      return t.length === 3 && t.slice(1).every((pid) => readProcStat(pid)?.comm === "sleep") ? t : null;
    });
    started.push(...tree);
    expect(tree[0]).toBe(sh.pid);
    const sessions = tree.map((pid) => readProcStat(pid)!.session);
    expect(new Set(sessions).size).toBe(2); // the setsid'd sleep leads its own session
  });
});

describe("isAlive / signalPids", () => {
  it("counts a zombie as dead", async () => {
    // `sleep 0` exits while its parent (exec'd into `sleep 3`) never waits for it: a zombie.
    const sh = spawn("sh", ["-c", "sleep 0 & exec sleep 3"], { stdio: "ignore" });
    started.push(sh.pid!);
    const zombie = await waitFor("a zombie child", () =>
      snapshotDescendants(sh.pid!).find((pid) => readProcStat(pid)?.state === "Z"),
    );
    expect(readProcStat(zombie)).not.toBeNull();
    expect(isAlive(zombie)).toBe(false);
    expect(isAlive(sh.pid!)).toBe(true);
  });

  it("skips pids that are already gone and refuses pid 0/1", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    const exited = new Promise((r) => child.once("exit", r));
    expect(signalPids([child.pid!, 0, 1, -1], "SIGKILL")).toBe(1);
    await exited;
    expect(isAlive(child.pid!)).toBe(false);
    expect(signalPids([child.pid!], "SIGKILL")).toBe(0);
  });
});
