import { spawn } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { AGENT_STOPPED } from "@stratavore/api";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FAKE_CLAUDE, FleetHarness, waitFor } from "@stratavore/server/testing";

let h: FleetHarness;
let bin: string;
beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  bin = inject("cliPath");
});
afterAll(() => h?.stop());

it("`stratavore agent` from the built CLI joins with a join token read from stdin (--join-token -), runs a runner, and stops on SIGTERM taking it along, its end on record before it exits", async () => {
  const name = uniqueSlug("cli-agent");
  const { secret } = await h.api.joinTokens.create({ ttlMinutes: 5 });
  const checkout = join(h.tmp, "cli-checkout");
  await mkdir(checkout, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      bin,
      "agent",
      "--server",
      h.server.url,
      "--join-token",
      "-",
      "--data-dir",
      join(h.tmp, name),
      "--name",
      name,
      "--claude-bin",
      FAKE_CLAUDE,
      "--heartbeat-seconds",
      "1",
    ],
    {
      env: { PATH: process.env.PATH, HOME: join(h.tmp, `${name}-home`) } as unknown as NodeJS.ProcessEnv,
      stdio: ["pipe", "ignore", "pipe"],
    },
  );
  child.stdin!.end(`${secret}\n`);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  await waitFor(
    "node online",
    async () => (await h.api.nodes.list()).find((n) => n.name === name && n.connected),
    20_000,
  );
  const project = await h.api.projects.create({ name: uniqueSlug("cli-agent"), path: checkout });
  const runner = await h.api.runners.launch({ project: project.name, node: name });
  expect(runner.status).toBe("running");
  child.kill("SIGTERM");
  expect(await exited).toBe(0);
  // Read once, not waited for: the agent leaves only after the server has recorded the exit
  // (an agent that left first lost it with the connection; the runner then ended as failed).
  const ended = await h.api.runners.get({ id: runner.id });
  expect(ended).toMatchObject({ status: "terminated", endReason: AGENT_STOPPED });
});
