import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isAlive, readProcStat, signalPids } from "../base/process-tree.ts";
import { PtyRunner } from "../pty-runner.ts";
import { Supervisor } from "../supervisor.ts";
import { FAKE_CLAUDE, fakeEnv, tempHome, waitFor } from "../testing/helpers.ts";
import { detectCgroups, isDriver, type CgroupDriver, type CgroupPreference } from "./cgroup-driver.ts";
import type { RunnerCgroup } from "./runner-cgroup.ts";

const SESSION = "3c9d2e1f-4a5b-4c6d-8e7f-0a1b2c3d4e5f";
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A loop that counts into a file every 100 ms and exits 0 at 30: a long tool command. */
function loopScript(dir: string): { script: string; counter: string } {
  const counter = join(dir, "count.txt");
  const script = join(dir, "loop.sh");
  writeFileSync(
    script,
    `i=0\nwhile [ $i -lt 30 ]; do i=$((i+1)); echo $i > "${counter}"; sleep 0.1; done\necho loop-done\n`,
  );
  return { script, counter };
}

const count = (file: string) => Number(existsSync(file) ? readFileSync(file, "utf8").trim() || 0 : 0);

function start(driver: CgroupDriver | undefined) {
  const t = tempHome("stv-cgroup-");
  cleanups.push(t.cleanup);
  const { script, counter } = loopScript(t.home);
  const pidfile = join(t.home, "tool.pid");
  const cgroup = driver?.create(`test-${Date.now()}-${Math.random().toString(16).slice(2)}`);
  const runner = new PtyRunner({
    command: FAKE_CLAUDE,
    args: ["--session-id", SESSION],
    cwd: t.cwd,
    graceMs: 500,
    cgroup,
    env: fakeEnv(t.home, { FAKE_CLAUDE_TOOL: `sh ${script}`, FAKE_CLAUDE_PIDFILE: pidfile }),
  });
  let output = "";
  runner.on("output", (d) => (output += d));
  const pid = runner.start();
  cleanups.push(async () => {
    if (runner.state !== "exited") await runner.kill();
  });
  return { runner, pid, counter, pidfile, cgroup, output: () => output };
}

/** Whether a freeze is asked of the cgroup (v1 freezer.state FREEZING/FROZEN, v2 cgroup.freeze 1). */
function freezeWritten(cg: RunnerCgroup): boolean {
  const dir = dirname(cg.procsFiles[0]!);
  return existsSync(join(dir, "freezer.state"))
    ? readFileSync(join(dir, "freezer.state"), "utf8").trim() !== "THAWED"
    : readFileSync(join(dir, "cgroup.freeze"), "utf8").trim() === "1";
}

/** What the real Bash tool's wrapper leaves behind when it fails: the command re-parented to PID 1. */
const orphansOf = (pids: number[]) => pids.filter((p) => readProcStat(p)?.ppid === 1 && isAlive(p));

for (const prefer of ["v1", "v2"] as CgroupPreference[]) {
  const driver = detectCgroups({ prefer });
  describe.skipIf(!isDriver(driver))(
    `pause in a cgroup (${prefer}; skipped where this machine has no writable ${prefer} cgroup)`,
    () => {
      it("freezes every process of the runner for 5 s, and the tool command finishes with exit 0 after the thaw", async () => {
        const r = start(driver as CgroupDriver);
        const tool = Number(
          await waitFor("the tool pid", () => existsSync(r.pidfile) && readFileSync(r.pidfile, "utf8").trim()),
        );
        await waitFor("the loop counting", () => count(r.counter) >= 3, 10_000);
        const members = r.cgroup!.pids();
        expect(members).toEqual(expect.arrayContaining([r.pid, tool]));
        await r.runner.pause();
        expect(r.runner.state).toBe("paused");
        const frozenAt = count(r.counter);
        await new Promise((res) => setTimeout(res, 5000));
        expect(count(r.counter)).toBe(frozenAt);
        expect(r.output()).not.toMatch(/Stopped|tool exit/);
        await r.runner.resume();
        await waitFor("the tool to finish", () => r.output().includes("(tool exit"), 15_000);
        expect(r.output()).toContain("(tool exit 0)");
        expect(r.output()).toContain("loop-done");
        expect(count(r.counter)).toBe(30);
        expect(orphansOf(members)).toEqual([]);
        expect(await r.runner.stop()).toMatchObject({ exitCode: 0, endedBy: "user" });
        expect(members.filter(isAlive)).toEqual([]);
        expect(r.cgroup!.pids()).toEqual([]);
      }, 40_000);

      it("a kill on the agent's way out leaves its cgroup thawed by the time the kill returns, so the SIGKILL lands", async () => {
        const r = start(driver as CgroupDriver);
        await waitFor("the loop counting", () => count(r.counter) >= 1, 10_000);
        const members = r.cgroup!.pids();
        void r.runner.kill("agent");
        // All that process.exit lets happen is what ran synchronously.
        expect(freezeWritten(r.cgroup!)).toBe(false);
        await waitFor("every member gone", () => members.every((p) => !isAlive(p)), 10_000);
      }, 30_000);

      it("a clean stop of the agent leaves none of its cgroup folders behind (not even its own, empty)", async () => {
        // An agent directory of this test's own, so no other test's runners share it.
        const own = detectCgroups({ prefer, agentDir: `clean-stop-${process.pid}-${Date.now()}` }) as CgroupDriver;
        const t = tempHome("stv-clean-stop-");
        cleanups.push(t.cleanup);
        const sup = new Supervisor({ graceMs: 500, logDir: join(t.home, "logs"), cgroups: own });
        // Its folder's name is no agent's (<pid>-<start>), so no later sweep would take it: a
        // failure half-way must not leave it behind.
        cleanups.push(async () => {
          await sup.shutdown();
          own.removeOwn();
        });
        sup.launch({
          runnerId: "clean-stop",
          cwd: t.cwd,
          claudeBin: FAKE_CLAUDE,
          spec: { mode: "new", sessionId: SESSION },
          env: fakeEnv(t.home),
        });
        // Where this agent's folders are: above any runner's.
        const probe = own.create("probe");
        const agentDirs = probe.procsFiles.map((f) => dirname(dirname(f)));
        await probe.remove();
        expect(agentDirs.every((d) => existsSync(d))).toBe(true);
        await sup.shutdown();
        expect(agentDirs.filter((d) => existsSync(d))).toEqual([]);
      }, 30_000);

      it("stop of a frozen runner kills everything in its cgroup and removes it", async () => {
        const r = start(driver as CgroupDriver);
        await waitFor("the loop counting", () => count(r.counter) >= 1, 10_000);
        const members = r.cgroup!.pids();
        await r.runner.pause();
        const exit = await r.runner.stop();
        expect(exit.endedBy).toBe("user");
        expect(members.filter(isAlive)).toEqual([]);
        expect(r.cgroup!.procsFiles.some((f) => existsSync(f))).toBe(false);
      }, 30_000);
    },
  );
}

describe.skipIf(!isDriver(detectCgroups({ prefer: "v1" })))(
  "limits in a v1 cgroup (skipped without a writable v1 freezer)",
  () => {
    it("writes the memory limit and the CPU quota into the runner's cgroup, and removes it", async () => {
      const driver = detectCgroups({ prefer: "v1" }) as CgroupDriver;
      if (!driver.capabilities.memoryLimit || !driver.capabilities.cpuLimit)
        throw new Error(`no memory/cpu hierarchy: ${driver.capabilities.detail}`);
      const cg = driver.create(`limits-${Date.now()}`, { memoryBytes: 256 * 1024 * 1024, cpuPercent: 150 });
      // Hierarchies may be mounted together (cpu,cpuacct): match the controller in the mount name.
      const dirOf = (controller: string) =>
        cg.procsFiles
          .find((f) => new RegExp(`/sys/fs/cgroup/([a-z_]+,)*${controller}(,[a-z_]+)*/`).test(f))!
          .replace(/\/cgroup\.procs$/, "");
      expect(readFileSync(`${dirOf("memory")}/memory.limit_in_bytes`, "utf8").trim()).toBe(String(256 * 1024 * 1024));
      expect(readFileSync(`${dirOf("cpu")}/cpu.cfs_quota_us`, "utf8").trim()).toBe("150000");
      expect(readFileSync(`${dirOf("cpu")}/cpu.cfs_period_us`, "utf8").trim()).toBe("100000");
      await cg.remove();
      expect(cg.procsFiles.some((f) => existsSync(f))).toBe(false);
    });
  },
);

describe("why pausing must not signal claude's tools (the fake claude as the real one behaves)", () => {
  it("SIGSTOP of a running tool command makes the job-control wrapper fail it with exit 147 and orphan it", async () => {
    const r = start(undefined);
    expect(r.runner.pauseMode).toBe("signals");
    const tool = Number(
      await waitFor("the tool pid", () => existsSync(r.pidfile) && readFileSync(r.pidfile, "utf8").trim()),
    );
    cleanups.push(() => void signalPids([tool], "SIGKILL"));
    await waitFor("the loop counting", () => count(r.counter) >= 2, 10_000);
    // What a signals-based pause does to the tool (claude 2.1.328, stack.md): stop it under its wrapper.
    signalPids([tool], "SIGSTOP");
    await waitFor("the wrapper to give up", () => r.output().includes("(tool exit"), 10_000);
    expect(r.output()).toContain("(tool exit 147)");
    expect(r.output()).toContain("Stopped");
    // No longer claude's: re-parented to PID 1 — or already gone, when the kernel's hang-up of
    // the orphaned stopped process group (SIGHUP, then SIGCONT) reached it first (seen under load).
    const ppid = readProcStat(tool)?.ppid;
    expect(ppid === undefined || ppid === 1, `tool ${tool} has parent ${ppid}`).toBe(true);
  }, 30_000);
});
