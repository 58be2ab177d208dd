import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";
import { usageRecord } from "./testing/usage-record.ts";

/**
 * Reports an agent says again until the server answers them, and so may arrive about an earlier
 * run of a runner: an exit naming that run's pid must not end the new one, and a session move
 * said as an earlier run's (`past`) adds the sessions without moving the runner.
 */
let h: FleetHarness;
let agent: Socket;
let nodeId: string;
beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
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

  // A run adopted from a node's inventory (its pid recorded) may have been started by an earlier
  // launch than the row's latest: once the pid is known, the pid decides.
  const adopted = (
    await h.db.runner.create({
      data: {
        projectId: project.id,
        nodeId,
        status: "running",
        pid: 31337,
        createdAt,
        launchedAt,
        startedAt: new Date(),
      },
    })
  ).id;
  expect(
    await agent.timeout(10_000).emitWithAck("runner:exited", {
      runnerId: adopted,
      exitCode: 0,
      signal: null,
      endedBy: "process",
      pid: 31337,
      launch: createdAt.toISOString(),
    }),
  ).toEqual({ ok: true });
  expect((await h.api.runners.get({ id: adopted })).status).toBe("terminated");
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

it("/resume in the terminal: a move into an existing session of the project is followed and its new usage counted, the ended runner's rows stay its own; one another runner is running is refused", async () => {
  const project = await h.api.projects.create({ name: uniqueSlug("resume"), path: `/srv/${uniqueSlug("resume")}` });
  const [old, mine, busy, orphan] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  for (const id of [old, mine, busy]) await h.db.session.create({ data: { id, projectId: project.id } });
  // A session whose project was deleted (or imported without a folder) is no project's to take.
  await h.db.session.create({ data: { id: orphan, projectId: null } });
  const runner = (data: { status: "running" | "failed"; sessionId: string; nextRestartAt?: Date }) =>
    h.db.runner.create({ data: { projectId: project.id, nodeId, pid: 4000, startedAt: new Date(), ...data } });
  // Failed on it, its restart waiting: taken up in the terminal, it must not restart into it.
  const ended = await runner({ status: "failed", sessionId: old, nextRestartAt: new Date(Date.now() + 60_000) });
  const other = await runner({ status: "running", sessionId: busy });
  const mover = await runner({ status: "running", sessionId: mine });
  const counted = randomUUID();
  await h.db.usageRecord.create({
    data: {
      usageKey: `msg_${counted}`,
      messageId: `msg_${counted}`,
      requestId: "req_1",
      runnerId: ended.id,
      projectId: project.id,
      sessionId: old,
      model: "claude-sonnet-4-5-20250929",
      inputTokens: 1234,
      totalTokens: 1234,
      occurredAt: new Date(),
    },
  });
  const move = (sessionId: string) =>
    agent.timeout(10_000).emitWithAck("runner:session", { runnerId: mover.id, sessionId, left: [mine] });

  expect(await move(busy)).toMatchObject({ ok: false, code: "SESSION_REFUSED", sessions: [busy] });
  expect(await move(orphan)).toMatchObject({ ok: false, code: "SESSION_REFUSED", sessions: [orphan] });
  expect(await h.db.runner.findUniqueOrThrow({ where: { id: mover.id } })).toMatchObject({
    sessionId: mine,
    pastSessionIds: [],
  });

  expect(await move(old)).toEqual({ ok: true });
  expect(await h.db.runner.findUniqueOrThrow({ where: { id: mover.id } })).toMatchObject({
    sessionId: old,
    pastSessionIds: [mine],
  });
  const changed = await h.db.event.findFirstOrThrow({
    where: { type: "runner.session_changed", entityId: mover.id },
    orderBy: { seq: "desc" },
  });
  expect(changed.data).toMatchObject({ from: mine, to: old, resumed: [old] });
  expect(await h.db.runner.findUniqueOrThrow({ where: { id: ended.id } })).toMatchObject({
    status: "failed",
    nextRestartAt: null,
  });

  // Its tailer reads the resumed file from the start: the ended runner's response again (same
  // total: left alone) and the new one (counted as the mover's).
  const fresh = `msg_${randomUUID()}`;
  const ack = await agent.timeout(10_000).emitWithAck("usage:batch", {
    runnerId: mover.id,
    batchId: randomUUID(),
    records: [usageRecord(`msg_${counted}`, old, 1234), usageRecord(fresh, old, 500)],
  });
  expect(ack).toMatchObject({ ok: true });
  const rows = await h.db.usageRecord.findMany({ where: { sessionId: old }, orderBy: { totalTokens: "desc" } });
  expect(rows.map((r) => [r.messageId, r.runnerId, Number(r.totalTokens)])).toEqual([
    [`msg_${counted}`, ended.id, 1234],
    [fresh, mover.id, 500],
  ]);
  expect(await h.db.event.count({ where: { type: "usage.write_refused", entityId: mover.id } })).toBe(0);
  expect(await h.db.session.findUniqueOrThrow({ where: { id: orphan } })).toMatchObject({ projectId: null });
  expect((await h.db.runner.findUniqueOrThrow({ where: { id: other.id } })).sessionId).toBe(busy);
});
