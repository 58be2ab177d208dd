import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import { uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";

/**
 * An agent says a runner's exit until the server answers it. When an answer was late and the
 * runner was meanwhile restarted on the same node, the report said again is about the earlier
 * run: naming that run's pid, it must not end the new one.
 */
let h: FleetHarness;
let agent: Socket;
let nodeId: string;
beforeAll(async () => {
  h = await FleetHarness.start(inject("databaseUrl"));
  ({ socket: agent, nodeId } = await connectRawAgent(h, uniqueSlug("exits")));
});
afterAll(async () => {
  agent?.disconnect();
  await h?.stop();
});

it("an exit naming another run's pid is answered and ignored; one naming this run's pid (or none, an older agent) ends it", async () => {
  const project = await h.api.projects.create({ name: uniqueSlug("exits"), path: `/srv/${uniqueSlug("exits")}` });
  const runner = async (pid: number) =>
    (
      await h.db.runner.create({
        data: {
          projectId: project.id,
          nodeId,
          status: "running",
          pid,
          startedAt: new Date(),
          lastHeartbeatAt: new Date(),
        },
      })
    ).id;
  const exit = (runnerId: string, pid?: number) =>
    agent.timeout(10_000).emitWithAck("runner:exited", {
      runnerId,
      exitCode: 0,
      signal: null,
      endedBy: "user",
      ...(pid ? { pid } : {}),
    }) as Promise<{ ok: boolean }>;
  const status = async (id: string) => (await h.api.runners.get({ id })).status;

  const restarted = await runner(4242);
  expect(await exit(restarted, 1111)).toEqual({ ok: true });
  expect(await status(restarted)).toBe("running");
  expect(await exit(restarted, 4242)).toEqual({ ok: true });
  expect(await status(restarted)).toBe("terminated");

  const fromAnOlderAgent = await runner(5151);
  expect(await exit(fromAnOlderAgent)).toEqual({ ok: true });
  expect(await status(fromAnOlderAgent)).toBe("terminated");
});
