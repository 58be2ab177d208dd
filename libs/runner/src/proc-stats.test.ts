import { spawn } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { samplePids, sampleTree } from "./proc-stats.ts";
import { readProcStat, signalPids, snapshotDescendants } from "./base/process-tree.ts";
import { waitFor } from "./testing/helpers.ts";

const started: number[] = [];
afterEach(() => void signalPids(started.splice(0), "SIGKILL"));

describe("sampleTree", () => {
  it("sums memory over the whole tree", async () => {
    const sh = spawn("sh", ["-c", "sleep 30 & sleep 30"], { stdio: "ignore" });
    started.push(sh.pid!);
    const tree = await waitFor("sh and two sleeps", () =>
      snapshotDescendants(sh.pid!).length === 3 ? snapshotDescendants(sh.pid!) : null,
    );
    started.push(...tree);
    const sample = await sampleTree(sh.pid!);
    expect(sample.pids.sort()).toEqual([...tree].sort());
    expect(sample.rssBytes).toBeGreaterThan(3 * 100 * 1024);
    expect(sample.cpuPercent).toBeGreaterThanOrEqual(0);
  });

  it("leaves out processes that vanished between the snapshot and the sample", async () => {
    const a = spawn("sleep", ["30"], { stdio: "ignore" });
    const b = spawn("sleep", ["30"], { stdio: "ignore" });
    started.push(a.pid!, b.pid!);
    await samplePids([a.pid!, b.pid!]); // pidusage now caches both
    const gone = new Promise((r) => b.once("exit", r));
    signalPids([b.pid!], "SIGKILL");
    await gone;
    const sample = await samplePids([a.pid!, b.pid!]);
    expect(sample.pids).toEqual([a.pid]);
    expect(sample.rssBytes).toBeGreaterThan(0);
    expect(await samplePids([b.pid!])).toEqual({ cpuPercent: 0, rssBytes: 0, pids: [] });
  });

  it("skips zombies and returns zeros for a dead root", async () => {
    const sh = spawn("sh", ["-c", "sleep 0 & exec sleep 30"], { stdio: "ignore" });
    started.push(sh.pid!);
    await waitFor("the zombie child", () =>
      snapshotDescendants(sh.pid!).some((pid) => readProcStat(pid)?.state === "Z"),
    );
    const sample = await sampleTree(sh.pid!);
    expect(sample.pids).toEqual([sh.pid]);
    const dead = spawn("true");
    await new Promise((r) => dead.once("exit", r));
    expect(await sampleTree(dead.pid!)).toEqual({ cpuPercent: 0, rssBytes: 0, pids: [] });
  });
});
