import { afterAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { ingestHeartbeat } from "./heartbeat-service.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

describe("heartbeats", () => {
  it("a beat from a node judged offline brings it back online with an audit event and a node:status message; a draining node stays draining", async () => {
    const { api } = await h.as("operator");
    const project = await api.projects.create({ name: uniqueSlug("hb"), path: "/srv/hb" });
    const node = await h.node();
    const runner = await h.runningRunner(project.id, node.id);
    await h.db.node.update({ where: { id: node.id }, data: { status: "offline" } });
    const before = h.bus.sent.length;

    const beat = await ingestHeartbeat(h.deps, node.id, [
      { runnerId: runner.id, status: "running", pid: 42, cpuPercent: 3, rssBytes: 1000 },
    ]);
    expect(beat).toEqual({ updated: 1, needsAttention: [] });
    expect((await h.db.node.findUniqueOrThrow({ where: { id: node.id } })).status).toBe("online");
    expect(await h.db.event.count({ where: { entityId: node.id, type: "node.online" } })).toBe(1);
    expect(h.bus.sent.slice(before).map((e) => e.event)).toEqual(["node:status", "runner:metrics"]);

    // Already online: a beat changes figures only.
    await ingestHeartbeat(h.deps, node.id, []);
    expect(await h.db.event.count({ where: { entityId: node.id, type: "node.online" } })).toBe(1);
    await h.db.node.update({ where: { id: node.id }, data: { status: "draining" } });
    await ingestHeartbeat(h.deps, node.id, []);
    expect((await h.db.node.findUniqueOrThrow({ where: { id: node.id } })).status).toBe("draining");
  });

  it("a beat naming another node's runner neither changes it nor reaches dashboards as its figures", async () => {
    const { api } = await h.as("operator");
    const project = await api.projects.create({ name: uniqueSlug("hb"), path: "/srv/hb" });
    const [victimNode, liar] = [await h.node(), await h.node()];
    const victim = await h.runningRunner(project.id, victimNode.id);
    const own = await h.runningRunner(project.id, liar.id);
    const before = h.bus.sent.length;
    const beat = await ingestHeartbeat(h.deps, liar.id, [
      { runnerId: victim.id, status: "running", pid: 1, cpuPercent: 99_999, rssBytes: 9e15 },
      { runnerId: own.id, status: "running", pid: 2, cpuPercent: 5, rssBytes: 1000 },
    ]);
    expect(beat).toEqual({ updated: 1, needsAttention: [victim.id] });
    const sent = h.bus.sent.slice(before).filter((e) => e.event === "runner:metrics");
    expect(sent.flatMap((e) => (e.payload as { items: { runnerId: string }[] }).items.map((i) => i.runnerId))).toEqual([
      own.id,
    ]);
    expect((await h.db.runner.findUniqueOrThrow({ where: { id: victim.id } })).cpuPercent).not.toBe(99_999);
  });

  it("a beat carries the agent's spool depth; the node shows it, and a beat without it keeps the last", async () => {
    const { api } = await h.as("admin");
    const node = await h.node();
    expect((await api.nodes.get({ ref: node.id })).spooledItems).toBe(0);
    await ingestHeartbeat(h.deps, node.id, [], new Date(), { spooled: 42 });
    expect((await api.nodes.get({ ref: node.id })).spooledItems).toBe(42);
    await ingestHeartbeat(h.deps, node.id, []);
    expect((await api.nodes.get({ ref: node.id })).spooledItems).toBe(42);
    await ingestHeartbeat(h.deps, node.id, [], new Date(), { spooled: 0 });
    expect((await api.nodes.get({ ref: node.id })).spooledItems).toBe(0);
  });

  it("a beat carries how many items the agent set aside, and the node shows it (a beat without the figure keeps it)", async () => {
    const { api } = await h.as("admin");
    const node = await h.node();
    await ingestHeartbeat(h.deps, node.id, [], new Date(), { deadLetters: 3 });
    expect((await api.nodes.get({ ref: node.id })).deadLetters).toBe(3);
    await ingestHeartbeat(h.deps, node.id, []);
    expect((await api.nodes.get({ ref: node.id })).deadLetters).toBe(3);
    // Each growth is audited once, with the figures; the same count again is not.
    await ingestHeartbeat(h.deps, node.id, [], new Date(), { deadLetters: 3 });
    await ingestHeartbeat(h.deps, node.id, [], new Date(), { deadLetters: 5 });
    const events = await h.db.event.findMany({
      where: { entityId: node.id, type: "node.dead_letters" },
      orderBy: { seq: "asc" },
    });
    expect(events.map((e) => [e.actorType, e.data])).toEqual([
      ["node", { setAside: 3, before: 0 }],
      ["node", { setAside: 5, before: 3 }],
    ]);
  });
});
