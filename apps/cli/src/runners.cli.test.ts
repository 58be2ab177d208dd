import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { expectFailure } from "./testing/cli-assertions.ts";
import { FakeAgent } from "./testing/fake-agent.ts";
import { CliHarness, hasTtyRunner, type Issued } from "./testing/cli-harness.ts";

/**
 * Runner commands end to end against the real server, with a fake agent on the other side
 * (its own server process, so no other test file sees this node connected).
 */
let h: CliHarness;
let operator: Issued;
let admin: Issued;
let viewer: Issued;
let agent: FakeAgent;
let project: string;
const LABEL = "cli-fake";

const as = (who: Issued) => h.as(who);
const cli = (args: string[], who: Issued = operator) => h.runAs(who, args);
const json = <T>(args: string[], who: Issued = operator) => h.jsonAs<T>(who, args);

interface RunnerJson {
  id: string;
  status: string;
  pid: number | null;
  nodeName: string | null;
  memoryBytes: number | null;
  timeline?: { type: string }[];
}

/** `--json` goes before `--`: everything after it is for claude. */
async function launch(...extra: string[]): Promise<RunnerJson> {
  const r = await cli(["launch", project, "--label", LABEL, "--json", ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as RunnerJson;
}

async function eventually<T>(
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const statusOf = async (id: string) => (await json<RunnerJson>(["runner", "show", id])).status;

beforeAll(async () => {
  h = await CliHarness.start(workerDatabase(inject("databaseUrls")));
  [operator, admin, viewer] = await Promise.all([h.issue("operator"), h.issue("admin"), h.issue("viewer")]);
  const { secret } = await json<{ secret: string }>(["join-token", "create"], admin);
  agent = await FakeAgent.join(h.server.url, secret, uniqueSlug("cli-node"), [LABEL]);
  project = uniqueSlug("cli-runners");
  expect((await cli(["projects", "create", project, "--path", "/srv/fake"])).code).toBe(0);
});

afterAll(async () => {
  agent?.close();
  await h?.stop();
});

describe("with a connected agent", () => {
  it("shows the node, and its join token as used", async () => {
    const nodes = await json<{ name: string; connected: boolean; status: string; labels: string[] }[]>(["nodes"]);
    expect(nodes.find((n) => n.name === agent.nodeName)).toMatchObject({
      connected: true,
      status: "online",
      labels: [LABEL],
    });
    expect((await cli(["nodes"])).stdout).toMatch(
      new RegExp(
        `^${agent.nodeName}\\s+online\\s+yes\\s+0/4\\s+${LABEL}\\s+-\\s+agent 0\\.0\\.0-fake, claude 1\\.0\\.0 \\(fake\\)`,
        "m",
      ),
    );
    expect((await cli(["join-token", "list"], admin)).stdout).toMatch(
      new RegExp(`\\s+used\\s+.*\\s${agent.nodeName}\\s`),
    );
  });

  it("drains and undrains the node (admin)", async () => {
    expect((await cli(["nodes", "drain", agent.nodeName], admin)).stdout).toMatch(/Status:\s+draining/);
    const refused = await cli(["launch", project, "--label", LABEL]);
    expect(refused.stderr).toMatch(/^error \[NO_NODE_AVAILABLE\]/);
    expect(refused.code).toBe(6);
    expect((await cli(["nodes", "undrain", agent.nodeName], admin)).stdout).toMatch(/Status:\s+online/);
  });

  it("launches, lists, shows, prints logs, pauses and stops a runner", async () => {
    const runner = await launch("--model", "sonnet", "--prompt", "hello there", "--", "--verbose");
    expect(runner).toMatchObject({ status: "running", nodeName: agent.nodeName });
    expect(agent.launches.at(-1)).toMatchObject({
      runnerId: runner.id,
      spec: { mode: "new", model: "sonnet", prompt: "hello there", extraArgs: ["--verbose"] },
    });
    const short = runner.id.slice(0, 8);

    // Heartbeats fill in CPU and memory.
    await eventually(
      () => json<RunnerJson[]>(["runners", "--project", project]),
      (l) => l.some((r) => r.id === runner.id && r.memoryBytes !== null),
      "a heartbeat",
    );
    const table = await cli(["runners", "--project", project]);
    expect(table.stdout).toMatch(
      /^ID\s+PROJECT\s+NODE\s+STATUS\s+DOING\s+PID\s+CPU\s+MEMORY\s+UPTIME\s+RESTARTS\s+END REASON\n/,
    );
    expect(table.stdout).toMatch(
      new RegExp(
        `^${short}\\s+${project}\\s+${agent.nodeName}\\s+running\\s+(-|idle at the prompt|working)\\s+${runner.pid}\\s+1\\.5%\\s+50\\.0 MiB\\s+\\d+s\\s+0/3\\s+-$`,
        "m",
      ),
    );
    expect(await json<RunnerJson[]>(["runners", "--status", "active", "--node", agent.nodeName])).toContainEqual(
      expect.objectContaining({ id: runner.id }),
    );

    const shown = await cli(["runner", "show", short]);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/Status:\s+running/);
    expect(shown.stdout).toMatch(/Prompt:\s+hello there/);
    expect(shown.stdout).toMatch(/Claude flags:\s+--verbose/);
    expect(shown.stdout).toMatch(
      /Timeline:\nAT\s+EVENT\s+BY\s+DETAILS\n.*launched\s+\S+@\S+ \(API token\)\s+mode=new nodeId=[0-9a-f]{8} projectId=[0-9a-f]{8} sessionId=[0-9a-f-]{36}\n.*started\s+node \S+\s+pid=\d+ status=running\n$/,
    );
    expect((await json<RunnerJson>(["runner", "show", runner.id])).timeline?.map((e) => e.type)).toEqual([
      "runner.launched",
      "runner.started",
    ]);

    agent.output(runner.id, "one\ntwo\n");
    agent.output(runner.id, "three\n");
    await eventually(
      () => cli(["logs", short]),
      (r) => r.stdout === "one\ntwo\nthree\n",
      "the scrollback",
    );
    expect((await cli(["logs", runner.id, "--tail", "2"])).stdout).toBe("two\nthree\n");

    expect((await cli(["pause", short])).stdout).toMatch(new RegExp(`Paused runner ${short} \\(paused\\)`));
    expectFailure(await cli(["pause", short]), 6, "INVALID_TRANSITION");
    expect((await json<RunnerJson>(["unpause", short])).status).toBe("running");
    expectFailure(await cli(["pause", short], viewer), 4, "FORBIDDEN");

    const stopped = await cli(["stop", short]);
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(new RegExp(`^Stopping runner ${short} \\((stopping|terminated)\\)`));
    expect(
      await eventually(
        () => statusOf(runner.id),
        (s) => s === "terminated",
        "the end",
      ),
    ).toBe("terminated");
    expectFailure(await cli(["stop", short]), 6, "RUNNER_NOT_ACTIVE");
    expectFailure(await cli(["attach", short]), 6, "RUNNER_NOT_ACTIVE");
    const followEnded = await cli(["logs", "-f", short]);
    expect(followEnded.code).toBe(0);
    expect(followEnded.stderr).toMatch(/has ended: terminated/);
  });

  it("follows output with logs -f, without repeats, until the runner ends (exit 0)", async () => {
    const runner = await launch();
    agent.output(runner.id, "first\nsecond\n");
    await eventually(
      () => cli(["logs", runner.id]),
      (r) => r.stdout.includes("second"),
      "the scrollback",
    );
    const follow = h.start(["logs", "-f", runner.id, "--tail", "1"], as(viewer));
    await follow.waitFor(/^second\n$/);
    agent.output(runner.id, "third\n");
    agent.output(runner.id, "fourth");
    await follow.waitFor(/fourth$/);
    agent.exit(runner.id, 0);
    const done = await follow.result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toBe("second\nthird\nfourth");
    expect(done.stderr).toBe(`\nRunner ${runner.id.slice(0, 8)} ended: terminated (exit code 0)\n`);
  });

  it("launch --no-wait prints the accepted runner as starting; it is running moments later", async () => {
    const r = await cli(["launch", project, "--label", LABEL, "--no-wait"]);
    expect(r.code, r.stderr).toBe(0);
    const id = /^Launched runner ([0-9a-f]{8}) \(starting\)$/m.exec(r.stdout)?.[1];
    expect(id, r.stdout).toBeDefined();
    // The short id the CLI printed is a reference the other commands take.
    await eventually(
      () => statusOf(id!),
      (s) => s === "running",
      "running",
    );
    expect(agent.launches.some((l) => l.runnerId.startsWith(id!))).toBe(true);
    expect((await cli(["kill", id!])).code).toBe(0);
  });

  it("stops following on Ctrl-C with exit 0", async () => {
    const runner = await launch();
    const follow = h.start(["logs", "-f", runner.id], as(operator));
    agent.output(runner.id, "tick\n");
    await follow.waitFor(/tick/);
    follow.signal("SIGINT");
    expect((await follow.result).code).toBe(0);
    expect(await statusOf(runner.id)).toBe("running");
    expect((await json<RunnerJson>(["kill", runner.id])).status).toMatch(/stopping|terminated/);
    expect(agent.signals.at(-1)).toEqual({ runnerId: runner.id, action: "kill" });
  });

  it("enforces the project quota (QUOTA_EXCEEDED, exit 6)", async () => {
    const small = uniqueSlug("cli-quota");
    expect((await cli(["projects", "create", small, "--path", "/srv/q", "--max-runners", "1"])).code).toBe(0);
    const first = await json<RunnerJson>(["launch", small, "--label", LABEL]);
    expectFailure(await cli(["launch", small, "--label", LABEL]), 6, "QUOTA_EXCEEDED");
    const text = await cli(["kill", first.id]);
    expect(text.stdout).toMatch(/^Killing runner/);
  });

  it.skipIf(!hasTtyRunner)("attaches a terminal: raw keys in, output out, resize, Ctrl-] detaches", async () => {
    const runner = await launch();
    agent.output(runner.id, "ready> ");
    const term = h.startInTty(["attach", runner.id.slice(0, 10)], { ...as(operator), cols: 101, rows: 33 });
    await term.waitFor(/ready> /);
    await term.waitFor(/Ctrl-\] detaches/);
    await eventually(
      async () => agent.resizes,
      (r) => r.some((x) => x.runnerId === runner.id && x.cols === 101 && x.rows === 33),
      "a resize",
    );
    term.write("hi\r");
    await term.waitFor(/echo:hi/);
    term.write("\x03"); // raw mode: Ctrl-C is a keystroke for the runner, not a signal for us
    await eventually(
      async () =>
        agent.inputs
          .filter((i) => i.runnerId === runner.id)
          .map((i) => i.data)
          .join(""),
      (s) => s === "hi\r\x03",
      "the keystrokes",
    );
    term.write("\x1d");
    const done = await term.result;
    expect(done.code, done.stdout).toBe(0);
    expect(done.stdout).toMatch(new RegExp(`Detached from runner ${runner.id.slice(0, 8)}\\.`));
    expect(await statusOf(runner.id)).toBe("running");
    await cli(["stop", runner.id]);
  });

  it("keeps a viewer read-only (FORBIDDEN noticed once) and exits 0 when the runner ends", async () => {
    const runner = await launch();
    agent.output(runner.id, "$ ");
    const watch = h.start(["attach", runner.id], as(viewer));
    await watch.waitFor(/\$ /);
    watch.write("ls\n");
    await watch.waitFor(/read-only/, "stderr");
    watch.write("pwd\n");
    agent.output(runner.id, "still here\n");
    await watch.waitFor(/still here/);
    agent.exit(runner.id, 0);
    const done = await watch.result;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr.match(/read-only/g)).toHaveLength(1);
    expect(done.stderr).toMatch(/Viewers cannot type into runners/);
    expect(done.stderr).toMatch(new RegExp(`Runner ${runner.id.slice(0, 8)} ended: terminated \\(exit code 0\\)\\n$`));
    expect(agent.inputs.filter((i) => i.runnerId === runner.id)).toEqual([]);
  });
});
