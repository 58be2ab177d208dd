import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import type { Socket } from "socket.io-client";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { FleetHarness, waitFor } from "./testing/fleet-harness.ts";
import { connectRawAgent } from "./testing/raw-agent.ts";

/**
 * A runner's output reaches the screen store in the agent's order even when this instance has
 * never seen the runner (launched through another instance of a cluster, so its owner is not
 * cached here): the owner check then goes to the database, and before the fix a burst of chunks
 * raced there and the earliest (the banner) was dropped as a replay of a later one. Without the
 * fix this failed in 1 of 5 runs here (seqs 0–31 lost); the deterministic check of the mechanism
 * is libs/api/src/fleet/fleet.test.ts.
 */
let h: FleetHarness;
let agent: Socket;
let nodeId: string;
beforeAll(async () => {
  h = await FleetHarness.start(workerDatabase(inject("databaseUrls")));
  ({ socket: agent, nodeId } = await connectRawAgent(h));
}, 60_000);
afterAll(async () => {
  agent?.disconnect();
  await h?.stop();
});

const runnerOnAgent = async () => {
  const project = await h.api.projects.create({ name: uniqueSlug("order"), path: h.tmp });
  const sessionId = randomUUID();
  await h.db.session.create({ data: { id: sessionId, projectId: project.id } });
  // Written straight to the database, as another instance's launch would: not in this one's cache.
  const runner = await h.db.runner.create({
    data: {
      projectId: project.id,
      nodeId,
      status: "running",
      sessionId,
      startedAt: new Date(),
      lastHeartbeatAt: new Date(),
    },
  });
  return runner.id;
};
const burst = (runnerId: string, from: number, count: number) => {
  for (let seq = from; seq < from + count; seq++) agent.emit("runner:output", { runnerId, seq, data: `<${seq}>` });
};
const seqsOnScreen = (runnerId: string) => h.server.deps.fleet.scrollback.since(runnerId).map((c) => c.seq);
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i);

/**
 * Holds every read of the runners table while `during` runs, then lets them all go at once:
 * the owner lookups queued behind the lock wake together on several pool connections and
 * answer in whatever order the machine schedules them (as a loaded machine does anyway).
 */
async function withRunnersLocked(during: () => Promise<void>) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const tx = h.db.$transaction(
    async (db) => {
      await db.$executeRawUnsafe('LOCK TABLE "Runner" IN ACCESS EXCLUSIVE MODE');
      locked();
      await held;
    },
    { timeout: 30_000 },
  );
  await isLocked;
  await during();
  release();
  await tx;
}

it("a burst of output for a runner this instance never cached arrives whole and in order", async () => {
  const runnerId = await runnerOnAgent();
  await withRunnersLocked(async () => {
    burst(runnerId, 0, 200);
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  await waitFor("the last chunk", async () => seqsOnScreen(runnerId).includes(199));
  expect(seqsOnScreen(runnerId)).toEqual(upTo(200));
});

it("after another instance says the runner moved (its cache dropped), the next burst is whole too", async () => {
  const runnerId = await runnerOnAgent();
  burst(runnerId, 0, 50);
  await waitFor("the first burst", async () => seqsOnScreen(runnerId).includes(49));
  h.server.deps.fleet.forgetLocally(runnerId, "moved");
  await withRunnersLocked(async () => {
    burst(runnerId, 50, 150);
    await new Promise((resolve) => setTimeout(resolve, 500));
  });
  await waitFor("the second burst", async () => seqsOnScreen(runnerId).includes(199));
  expect(seqsOnScreen(runnerId)).toEqual(upTo(200));
});
