import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ClaudeLaunchSpec } from "./base/claude-args.ts";
import { transcriptPath } from "./base/claude-paths.ts";
import { RunnerError, SpawnError, UnknownRunnerError } from "./base/errors.ts";
import { isAlive, signalPids, snapshotDescendants } from "./base/process-tree.ts";
import { readLogTail } from "./runner-log.ts";
import { Supervisor } from "./supervisor.ts";
import { FAKE_CLAUDE, fakeEnv, runFakeClaude, tempHome, waitFor } from "./testing/helpers.ts";

const SESSION = "9f6c1a0e-3b2d-4e5f-8a7b-6c5d4e3f2a1b";
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(opts: ConstructorParameters<typeof Supervisor>[0] = {}) {
  const t = tempHome();
  const logDir = join(t.home, "logs");
  const sup = new Supervisor({ graceMs: 300, logDir, ...opts });
  const events: Array<[string, { runnerId: string } & Record<string, unknown>]> = [];
  sup.on("started", (e) => events.push(["started", e]));
  sup.on("session", (e) => events.push(["session", e]));
  sup.on("exited", (e) => events.push(["exited", { ...e }]));
  let output = "";
  sup.on("output", (e) => (output += e.data));
  cleanups.push(t.cleanup, () => sup.shutdown());
  const configDir = join(t.home, ".claude");
  const launch = (runnerId: string, spec: ClaudeLaunchSpec, extraEnv: Record<string, string> = {}) =>
    sup.launch({ runnerId, cwd: t.cwd, claudeBin: FAKE_CLAUDE, spec, env: fakeEnv(t.home, extraEnv) });
  const exited = (runnerId: string) =>
    waitFor(`${runnerId} to exit`, () => events.find(([n, e]) => n === "exited" && e.runnerId === runnerId)?.[1]);
  return { ...t, sup, events, launch, exited, configDir, logDir, output: () => output };
}

describe("Supervisor with fake claude", () => {
  it("launches, streams, keeps scrollback, samples, logs and stops a runner", async () => {
    const s = setup();
    const sup = s.sup;
    const pid = sup.launch({
      runnerId: "r1",
      cwd: s.cwd,
      claudeBin: FAKE_CLAUDE,
      spec: { mode: "new", sessionId: SESSION },
      env: fakeEnv(s.home),
      cols: 100,
      rows: 30,
    });
    expect(s.events).toEqual([
      ["started", { runnerId: "r1", pid }],
      ["session", { runnerId: "r1", sessionId: SESSION }],
    ]);
    await waitFor("the prompt", () => sup.scrollback("r1").some((c) => c.data.includes("> ")));
    sup.write("r1", "ping\r");
    await waitFor("the echo", () =>
      sup
        .scrollback("r1")
        .map((c) => c.data)
        .join("")
        .includes("echo: ping"),
    );
    const all = sup.scrollback("r1");
    expect(sup.scrollback("r1", all.at(-1)!.seq)).toEqual([]);
    expect(sup.scrollback("r1", all[0]!.seq)).toEqual(all.slice(1));
    expect(sup.list()).toEqual([{ runnerId: "r1", pid, status: "running", cwd: s.cwd, sessionId: SESSION }]);
    const [sample] = await sup.sample();
    expect(sample).toMatchObject({ runnerId: "r1", pid, status: "running" });
    expect(sample!.rssBytes).toBeGreaterThan(1024 * 1024);
    sup.resize("r1", 80, 24);
    expect(await sup.stop("r1")).toEqual({ exitCode: 0, signal: null, endedBy: "user" });
    expect(await s.exited("r1")).toEqual({ runnerId: "r1", pid, exitCode: 0, signal: null, endedBy: "user" });
    expect(sup.list()).toEqual([]);
    expect((await readLogTail(s.logDir, "r1", 50)).join("\n")).toContain("echo: ping");
  });

  it("names the session before spawn: a resumed runner appends to it, a fork writes its own id", async () => {
    const s = setup();
    expect(runFakeClaude(["-p", "--session-id", SESSION, "first"], s.cwd, s.home)).toBe("echo: first\n");
    s.launch("res", { mode: "resume", sessionId: SESSION, prompt: "again", extraArgs: ["-p"] });
    expect(s.events.find(([n, e]) => n === "session" && e.runnerId === "res")![1]).toEqual({
      runnerId: "res",
      sessionId: SESSION,
    });
    await s.exited("res");
    const lines = readFileSync(transcriptPath(s.configDir, s.cwd, SESSION), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.type === "user").map((l) => l.message.content)).toEqual(["first", "again"]);
    // Two forks of one session started together: each writes exactly the file it was named.
    const forks = ["1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0", "2c3d4e5f-6071-4283-9405-b6c7d8e9f0a1"];
    forks.forEach((id, n) =>
      s.launch(`fork${n}`, {
        mode: "resume",
        sessionId: SESSION,
        forkSessionId: id,
        prompt: `branch ${n}`,
        extraArgs: ["-p"],
      }),
    );
    await Promise.all([s.exited("fork0"), s.exited("fork1")]);
    expect(
      s.events.filter(([n, e]) => n === "session" && String(e.runnerId).startsWith("fork")).map(([, e]) => e.sessionId),
    ).toEqual(forks);
    forks.forEach((id, n) => {
      const user = readFileSync(transcriptPath(s.configDir, s.cwd, id), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l))
        .filter((l) => l.type === "user");
      expect(user.map((l) => l.message.content)).toEqual(["first", "again", `branch ${n}`]);
    });
  });

  it("killAllSync leaves no process of any runner alive", async () => {
    const s = setup();
    const tools: number[] = [];
    const pids: number[] = [];
    for (const id of ["k1", "k2"]) {
      const pidfile = join(s.home, `${id}.pid`);
      pids.push(
        s.launch(
          id,
          { mode: "new", sessionId: id === "k1" ? SESSION : "0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d" },
          { FAKE_CLAUDE_MODE: "fork,ignore-sigterm", FAKE_CLAUDE_PIDFILE: pidfile },
        ),
      );
      tools.push(Number(await waitFor("the tool pid", () => existsSync(pidfile) && readFileSync(pidfile, "utf8"))));
    }
    cleanups.push(() => void signalPids([...pids, ...tools], "SIGKILL"));
    const everything = pids.flatMap((p) => snapshotDescendants(p));
    expect(everything).toEqual(expect.arrayContaining(tools));
    s.sup.killAllSync();
    await waitFor("every process to die", () => everything.every((p) => !isAlive(p)), 2000);
    expect(await s.exited("k1")).toMatchObject({ signal: "SIGKILL", endedBy: "agent" });
    expect(await s.exited("k2")).toMatchObject({ signal: "SIGKILL", endedBy: "agent" });
  });

  it("throws typed errors for unknown runners, duplicates and spawn failures", () => {
    const s = setup();
    for (const call of [
      () => s.sup.stop("nope"),
      () => s.sup.kill("nope"),
      () => void s.sup.pause("nope"),
      () => void s.sup.resume("nope"),
      () => s.sup.write("nope", "x"),
      () => s.sup.resize("nope", 80, 24),
      () => s.sup.scrollback("nope"),
    ]) {
      expect(call).toThrow(UnknownRunnerError);
    }
    expect(() =>
      s.sup.launch({
        runnerId: "bad",
        cwd: join(s.home, "missing"),
        claudeBin: FAKE_CLAUDE,
        spec: { mode: "new", sessionId: SESSION },
        env: fakeEnv(s.home),
      }),
    ).toThrow(SpawnError);
    expect(s.sup.list()).toEqual([]);
    s.launch("dup", { mode: "new", sessionId: SESSION });
    try {
      s.launch("dup", { mode: "new", sessionId: SESSION });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(RunnerError);
      expect((err as RunnerError).code).toBe("RUNNER_EXISTS");
    }
  });

  it("reports a crash with endedBy process and can pause and resume", async () => {
    const s = setup();
    s.launch("p", { mode: "new", sessionId: SESSION });
    await waitFor("the prompt", () => s.output().includes("> "));
    await s.sup.pause("p");
    expect(s.sup.list()[0]!.status).toBe("paused");
    await s.sup.resume("p");
    s.launch("c", { mode: "new", sessionId: "0a3c5e1e-2b1f-4c58-9d5e-3f0c1a2b3c4d" }, { FAKE_CLAUDE_MODE: "crash" });
    expect(await s.exited("c")).toEqual({
      runnerId: "c",
      pid: expect.any(Number),
      exitCode: 3,
      signal: null,
      endedBy: "process",
    });
    await s.sup.shutdown();
    // Asked to end (SIGTERM) and given the time to, as a user's stop: claude exits by itself,
    // writing its last records (it was SIGKILLed, and its cost record for that run never written).
    expect(await s.exited("p")).toMatchObject({ endedBy: "agent", exitCode: 0, signal: null });
    expect(s.sup.list()).toEqual([]);
  });
});
