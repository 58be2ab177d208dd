import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import { uniqueSlug } from "@stratavore/db/testing";
import { FleetHarness } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";

/**
 * Reports an agent says again until the server answers them, and so may arrive about an earlier
 * run of a runner: an exit naming that run's pid must not end the new one, and a session move
 * said as an earlier run's (`past`) adds the sessions without moving the runner.
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

it("an exit said about an earlier launch while the restart is starting (its pid not yet known) is ignored; one naming this launch ends it", async () => {
  const project = await h.api.projects.create({ name: uniqueSlug("launch"), path: `/srv/${uniqueSlug("launch")}` });
  const createdAt = new Date(Date.now() - 3_600_000);
  const launchedAt = new Date(Date.now() - 1_000);
  // A restart as the restart service leaves it: the same row, `starting`, no pid yet.
  const runnerId = (
    await h.db.runner.create({
      data: { projectId: project.id, nodeId, status: "starting", pid: null, createdAt, launchedAt },
    })
  ).id;
  const exit = (launch: string) =>
    agent
      .timeout(10_000)
      .emitWithAck("runner:exited", { runnerId, exitCode: 1, signal: null, endedBy: "process", pid: 999, launch });
  expect(await exit(createdAt.toISOString())).toEqual({ ok: true });
  expect((await h.api.runners.get({ id: runnerId })).status).toBe("starting");
  expect(await exit(launchedAt.toISOString())).toEqual({ ok: true });
  const ended = await h.api.runners.get({ id: runnerId });
  expect(ended.status).toBe("failed");
  expect(ended.endReason).toBe("exit code 1");
});

it("a session move said as an earlier run's makes the sessions the runner's and leaves its current session alone", async () => {
  const project = await h.api.projects.create({ name: uniqueSlug("moves"), path: `/srv/${uniqueSlug("moves")}` });
  const current = randomUUID();
  await h.db.session.create({ data: { id: current, projectId: project.id } });
  const runnerId = (
    await h.db.runner.create({
      data: { projectId: project.id, nodeId, status: "running", pid: 777, sessionId: current, startedAt: new Date() },
    })
  ).id;
  const [left, cleared] = [randomUUID(), randomUUID()];
  const answer: unknown = await agent
    .timeout(10_000)
    .emitWithAck("runner:session", { runnerId, sessionId: cleared, left: [left], past: true });
  expect(answer).toEqual({ ok: true });
  const row = await h.db.runner.findUniqueOrThrow({ where: { id: runnerId } });
  expect(row.sessionId).toBe(current);
  expect(new Set(row.pastSessionIds)).toEqual(new Set([left, cleared]));
  expect(await h.db.session.count({ where: { id: { in: [left, cleared] }, projectId: project.id } })).toBe(2);
});
