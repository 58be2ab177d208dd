import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { LaunchCommand } from "@stratavore/contracts";
import type { Supervisor } from "@stratavore/runner";
import type { AgentOptions } from "./agent-options.ts";
import type { ConfirmedReports } from "./confirmed-reports.ts";
import { runnerCommands } from "./runner-commands.ts";
import { SpendMeter, type SpentAllowance } from "./spend-meter.ts";

/** A node with a stand-in supervisor: what the launch command does around spawning claude. */
function node(opts: { running?: string[]; spawnFails?: Error } = {}) {
  const calls: string[] = [];
  const supervisor = {
    list: () => (opts.running ?? []).map((runnerId) => ({ runnerId, pid: 1, status: "running" })),
    launch: (o: { runnerId: string }) => {
      calls.push(`spawn ${o.runnerId}`);
      if (opts.spawnFails) throw opts.spawnFails;
      return 4242;
    },
  } as unknown as Supervisor;
  const launches = new Map<string, string>();
  const cwds = new Map<string, string>();
  const commands = runnerCommands({
    opts: { hello: { capacity: 5 }, claudeBin: "/usr/bin/claude", log: () => undefined } as unknown as AgentOptions,
    supervisor,
    childEnv: {},
    meter: new SpendMeter(),
    spentReports: {} as ConfirmedReports<SpentAllowance>,
    cwds,
    launches,
    forgetReports: (runnerId) => calls.push(`forget ${runnerId}`),
  });
  return { ...commands, calls, launches, cwds };
}

const command = (runnerId: string, launch?: string): LaunchCommand => ({
  runnerId,
  ...(launch ? { launch } : {}),
  cwd: "/srv/app",
  spec: { mode: "resume", sessionId: randomUUID() },
  cols: 120,
  rows: 32,
});

it("a launch forgets what was still said about the runner's last run before spawning, and keeps its launch token for its exit", async () => {
  const n = node();
  const runnerId = randomUUID();
  expect(await n.launch(command(runnerId, "2026-12-01T10:00:00.000Z"))).toEqual({ ok: true, pid: 4242 });
  expect(n.calls).toEqual([`forget ${runnerId}`, `spawn ${runnerId}`]);
  expect(n.launches.get(runnerId)).toBe("2026-12-01T10:00:00.000Z");
  expect(n.cwds.get(runnerId)).toBe("/srv/app");
  // From an older server: no token, and none left over from an earlier launch.
  expect(await n.launch(command(runnerId))).toEqual({ ok: true, pid: 4242 });
  expect(n.launches.has(runnerId)).toBe(false);
});

it("a launch that cannot spawn keeps no token; a malformed or duplicate one spawns nothing and forgets nothing", async () => {
  const failing = node({ spawnFails: new Error("spawn claude ENOENT") });
  const runnerId = randomUUID();
  expect(await failing.launch(command(runnerId, "t1"))).toEqual({
    ok: false,
    code: "SPAWN_FAILED",
    message: "spawn claude ENOENT",
  });
  expect(failing.launches.has(runnerId)).toBe(false);

  const busy = node({ running: [runnerId] });
  expect(await busy.launch(command(runnerId, "t2"))).toMatchObject({ ok: false, code: "DUPLICATE" });
  expect(await busy.launch({ runnerId: "not-a-uuid" })).toMatchObject({ ok: false, code: "SPAWN_FAILED" });
  expect(busy.calls).toEqual([]);
  expect(busy.launches.size).toBe(0);
});
