import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { adoptAndJudge } from "../nodes/adopt.ts";
import { ingestHeartbeat } from "../nodes/heartbeat-service.ts";
import { reconcileOnce } from "../system/reconciler.ts";
import { createHarness } from "../testing/api-harness.ts";
import { startingGraceMs } from "./runner-presence.ts";

/**
 * A runner can stay `starting` when the server could not record its agent's answer (no pooled
 * connection for it under a burst, or the server died between commit and answer). Once the
 * answer is long overdue, what its node says settles it: a node that runs it → `running`
 * (adopted); a node that beats without it → `failed` (launch_unconfirmed). Before that grace,
 * nothing is touched (the launch is still recording its answer). Own database: no other
 * test's reconciler acts on these rows.
 */
let h: ReturnType<typeof createHarness>;
let projectId = "";
beforeAll(async () => {
  h = createHarness(await createScratchDatabase(inject("adminUrl"), "unconfirmed"));
  const { api } = await h.as("admin");
  projectId = (await api.projects.create({ name: uniqueSlug("unconf"), path: "/srv/unconfirmed" })).id;
});
afterAll(() => h?.close());

const grace = () => startingGraceMs(h.deps.fleet.config.agentAckTimeoutMs);
const starting = (nodeId: string, ageMs: number) =>
  h.db.runner.create({
    data: { projectId, nodeId, status: "starting", createdAt: new Date(Date.now() - ageMs) },
  });
const statusOf = async (id: string) => (await h.db.runner.findUniqueOrThrow({ where: { id } })).status;

it("a node's beat that reports a runner still `starting` past the grace adopts it as running; a young one is left to its launch", async () => {
  const node = await h.node();
  const [old, young] = [await starting(node.id, grace() + 60_000), await starting(node.id, 1_000)];
  const items = [old, young].map((r) => ({
    runnerId: r.id,
    status: "running" as const,
    pid: 4242,
    cpuPercent: 1,
    rssBytes: 1000,
  }));
  const beat = await ingestHeartbeat(h.deps, node.id, items);
  expect(beat.needsAttention.sort()).toEqual([old.id, young.id].sort());
  expect(await adoptAndJudge(h.deps, node.id, items)).toEqual([]);
  expect(await statusOf(old.id)).toBe("running");
  expect(await statusOf(young.id)).toBe("starting");
  const adopted = await h.db.event.findFirstOrThrow({ where: { entityId: old.id, type: "runner.adopted" } });
  expect(adopted.data).toMatchObject({ status: "running", from: "starting" });
});

it("the reconciler fails a launch never confirmed whose node beats without it, and leaves reported or young ones", async () => {
  const node = await h.node();
  const forgotten = await starting(node.id, grace() + 60_000);
  const reported = await starting(node.id, grace() + 60_000);
  const young = await starting(node.id, 1_000);
  // The node beat just now, reporting only `reported` (its own last beat is now).
  await h.db.node.update({ where: { id: node.id }, data: { lastSeenAt: new Date() } });
  await h.db.runner.update({ where: { id: reported.id }, data: { lastHeartbeatAt: new Date() } });
  const result = await reconcileOnce(h.deps);
  expect(result.failed).toBe(1);
  const row = await h.db.runner.findUniqueOrThrow({ where: { id: forgotten.id } });
  expect(row.status).toBe("failed");
  expect(row.endReason).toMatch(/^launch_unconfirmed: its node never reported it running within \d+ s/);
  expect(await statusOf(reported.id)).toBe("starting");
  expect(await statusOf(young.id)).toBe("starting");
  // A node silent since before the grace says nothing either way: its runners are the
  // silent-node logic's (lost), not this one's.
  const silent = await h.node();
  const quiet = await starting(silent.id, grace() + 60_000);
  await h.db.node.update({ where: { id: silent.id }, data: { lastSeenAt: new Date(Date.now() - grace() - 120_000) } });
  await reconcileOnce(h.deps, new Date());
  expect(await statusOf(quiet.id)).not.toBe("failed");
});

it("a restart of an old runner is judged from its restart, not its creation: neither adopted by a beat nor failed by the reconciler while its launch is answered", async () => {
  const node = await h.node();
  const restarted = await starting(node.id, grace() + 3_600_000);
  await h.db.runner.update({
    where: { id: restarted.id },
    data: { launchedAt: new Date(), lastHeartbeatAt: new Date(Date.now() - grace() - 3_600_000) },
  });
  const item = { runnerId: restarted.id, status: "running" as const, pid: 4343, cpuPercent: 1, rssBytes: 1000 };
  await ingestHeartbeat(h.deps, node.id, [item]);
  await adoptAndJudge(h.deps, node.id, [item]);
  expect(await statusOf(restarted.id)).toBe("starting");
  await h.db.node.update({ where: { id: node.id }, data: { lastSeenAt: new Date() } });
  await reconcileOnce(h.deps);
  expect(await statusOf(restarted.id)).toBe("starting");
  // Once the grace has passed since the restart, the usual rules apply again.
  await h.db.runner.update({
    where: { id: restarted.id },
    data: { launchedAt: new Date(Date.now() - grace() - 60_000) },
  });
  await adoptAndJudge(h.deps, node.id, [item]);
  expect(await statusOf(restarted.id)).toBe("running");
});
