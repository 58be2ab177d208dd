import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { transcriptPath } from "./base/claude-paths.ts";
import { SpawnError } from "./base/errors.ts";
import { isAlive, readProcStat, signalPids, snapshotDescendants } from "./base/process-tree.ts";
import { PtyRunner, type PtyRunnerOptions } from "./pty-runner.ts";
import { FAKE_CLAUDE, fakeEnv, tempHome, waitFor } from "./testing/helpers.ts";

const SESSION = "5b0e7d2c-8a43-4f1e-9c3b-2d6f1a0e4b77";
const cleanups: Array<() => void> = [];
const strays: number[] = [];
afterEach(() => {
  signalPids(strays.splice(0), "SIGKILL"); // only if an assertion failed before the runner did its job
  for (const c of cleanups.splice(0)) c();
});

/** A real fake-claude in a real PTY, with its own HOME; collects output. */
function launch(mode = "", opts: Partial<PtyRunnerOptions> = {}) {
  const t = tempHome();
  cleanups.push(t.cleanup);
  const pidfile = join(t.home, "tool.pid");
  const runner = new PtyRunner({
    command: FAKE_CLAUDE,
    args: ["--session-id", SESSION],
    cwd: t.cwd,
    env: fakeEnv(t.home, { FAKE_CLAUDE_MODE: mode, FAKE_CLAUDE_PIDFILE: pidfile }),
    graceMs: 300,
    ...opts,
  });
  let output = "";
  runner.on("output", (d) => (output += d));
  const pid = runner.start();
  strays.push(pid);
  const toolPid = async () => {
    const tool = Number(await waitFor("the tool pid file", () => existsSync(pidfile) && readFileSync(pidfile, "utf8")));
    strays.push(tool);
    return tool;
  };
  return { runner, pid, ...t, output: () => output, toolPid };
}

const stateOf = (pid: number) => readProcStat(pid)?.state;

describe("PtyRunner with fake claude in a real PTY", () => {
  it("streams output, takes input and writes the transcript under HOME", async () => {
    const r = launch();
    await waitFor("the banner", () => r.output().includes(`session: ${SESSION}`));
    r.runner.write("hello runner\r");
    await waitFor("the echo", () => r.output().includes("echo: hello runner"));
    const lines = readFileSync(transcriptPath(join(r.home, ".claude"), r.cwd, SESSION), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.find((l) => l.type === "user")?.message.content).toBe("hello runner");
    const assistant = lines.find((l) => l.type === "assistant");
    expect(assistant).toMatchObject({
      sessionId: SESSION,
      cwd: r.cwd,
      message: { model: "claude-sonnet-4-5", usage: { input_tokens: 4 } },
    });
    expect(assistant.message.id).toMatch(/^msg_/);
    expect(assistant.requestId).toMatch(/^req_/);
    expect(r.runner.ring.snapshot()).toBe(r.output());
    expect(await r.runner.stop()).toEqual({ exitCode: 0, signal: null, endedBy: "user" });
  });

  it("stop() ends the whole tree, including a tool in its own session", async () => {
    const r = launch("fork");
    const tool = await r.toolPid();
    expect(readProcStat(tool)!.session).toBe(tool); // setsid: not in claude's session or group
    expect(snapshotDescendants(r.pid)).toEqual([r.pid, tool]);
    const exit = await r.runner.stop();
    expect(exit).toEqual({ exitCode: 0, signal: null, endedBy: "user" });
    expect(isAlive(r.pid)).toBe(false);
    expect(isAlive(tool)).toBe(false);
  });

  it("SIGKILLs a claude that ignores SIGTERM, and its tool, after the grace", async () => {
    const r = launch("fork,ignore-sigterm");
    const tool = await r.toolPid();
    await waitFor("the prompt", () => r.output().includes("> "));
    const t0 = Date.now();
    const exit = await r.runner.stop();
    expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    expect(r.output()).toContain("(ignoring SIGTERM)");
    expect(exit).toEqual({ exitCode: null, signal: "SIGKILL", endedBy: "user" });
    expect([r.pid, tool].filter(isAlive)).toEqual([]);
  });

  it("pause stops every process (state T) and resume lets them run on", async () => {
    const r = launch("fork");
    const tool = await r.toolPid();
    await waitFor("the prompt", () => r.output().includes("> "));
    await r.runner.pause();
    expect(r.runner.state).toBe("paused");
    const tree = snapshotDescendants(r.pid);
    expect(tree).toContain(tool);
    // SIGSTOP is delivered when the target is next scheduled: a busy process shows 'R' for a moment.
    await waitFor("every process to be stopped (T)", () => tree.every((pid) => stateOf(pid) === "T"), 1000, 5);
    r.runner.write("while paused\r");
    await new Promise((res) => setTimeout(res, 300));
    expect(r.output()).not.toContain("echo: while paused");
    await r.runner.resume();
    await waitFor("the echo after resume", () => r.output().includes("echo: while paused"));
    expect(tree.map(stateOf).filter((s) => s === "T")).toEqual([]);
    await r.runner.stop();
    expect(isAlive(tool)).toBe(false);
  });

  it("stop() of a paused runner still ends it gracefully", async () => {
    const r = launch();
    await waitFor("the prompt", () => r.output().includes("> "));
    await r.runner.pause();
    expect(await r.runner.stop()).toEqual({ exitCode: 0, signal: null, endedBy: "user" });
  });

  it("a crash exits 3 as endedBy process, and its orphaned tool is killed", async () => {
    const r = launch("fork,crash", { trackMs: 60_000 }); // no periodic look: only the env tag can find the tool
    const tool = await r.toolPid();
    const exit = await r.runner.waitForExit();
    expect(exit).toEqual({ exitCode: 3, signal: null, endedBy: "process" });
    expect(r.output()).toContain("simulated crash");
    expect(isAlive(tool)).toBe(false);
  });

  it("kill() SIGKILLs the tree at once", async () => {
    const r = launch("fork,ignore-sigterm", { graceMs: 60_000 });
    const tool = await r.toolPid();
    expect(await r.runner.kill()).toEqual({ exitCode: null, signal: "SIGKILL", endedBy: "user" });
    expect([r.pid, tool].filter(isAlive)).toEqual([]);
  });

  it("refuses to spawn into a missing cwd or a missing command, with nothing started", () => {
    const t = tempHome();
    cleanups.push(t.cleanup);
    const missingCwd = new PtyRunner({
      command: FAKE_CLAUDE,
      args: [],
      cwd: join(t.home, "gone"),
      env: fakeEnv(t.home),
    });
    expect(() => missingCwd.start()).toThrow(SpawnError);
    expect(() =>
      new PtyRunner({ command: FAKE_CLAUDE, args: [], cwd: join(t.home, "gone"), env: fakeEnv(t.home) }).start(),
    ).toThrow(/does not exist/);
    const noCommand = new PtyRunner({ command: "claude-does-not-exist", args: [], cwd: t.cwd, env: fakeEnv(t.home) });
    try {
      noCommand.start();
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SpawnError);
      expect((err as SpawnError).code).toBe("COMMAND_NOT_FOUND");
    }
    expect(noCommand.pid).toBeNull();
  });
});
