import { afterAll, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

it("runners.count says how many runners a list's filters match, beyond the list's limit", async () => {
  const { api } = await h.as("admin");
  const project = await api.projects.create({ name: uniqueSlug("count"), path: `/srv/${uniqueSlug("c")}` });
  const node = await h.node();
  for (let i = 0; i < 7; i++) await h.runningRunner(project.id, node.id);
  await h.db.runner.create({ data: { projectId: project.id, nodeId: node.id, status: "terminated" } });
  const viewer = (await h.as("viewer")).api;
  expect(await viewer.runners.count({ project: project.name })).toEqual({ total: 8 });
  expect(await viewer.runners.count({ project: project.name, status: "active" })).toEqual({ total: 7 });
  expect(await viewer.runners.count({ project: project.name, status: "terminated" })).toEqual({ total: 1 });
  // The list shows its limit; the count is what it leaves out.
  expect(await viewer.runners.list({ project: project.name, limit: 5 })).toHaveLength(5);
  expect((await viewer.runners.list({ project: project.name, limit: 5000 })).length).toBe(8);
  await expect(viewer.runners.count({ project: "no-such-project" })).rejects.toThrow(/No project/);
});

it("runners.list and runners.count take an id prefix, matched among all runners, not only the newest", async () => {
  const { api } = await h.as("admin");
  const project = await api.projects.create({ name: uniqueSlug("prefix"), path: `/srv/${uniqueSlug("p")}` });
  const node = await h.node();
  const start = Date.now() - 3_600_000;
  // 505 runners, the first the oldest: beyond the newest 500 a list can be asked for.
  await h.db.runner.createMany({
    data: Array.from({ length: 505 }, (_, i) => ({
      projectId: project.id,
      nodeId: node.id,
      status: "terminated" as const,
      createdAt: new Date(start + i * 1000),
    })),
  });
  const oldest = await h.db.runner.findFirstOrThrow({
    where: { projectId: project.id },
    orderBy: { createdAt: "asc" },
  });
  const viewer = (await h.as("viewer")).api;
  expect((await viewer.runners.list({ limit: 500 })).map((r) => r.id)).not.toContain(oldest.id);
  const prefix = oldest.id.slice(0, 13);
  expect((await viewer.runners.list({ idPrefix: prefix.toUpperCase() })).map((r) => r.id)).toEqual([oldest.id]);
  expect(await viewer.runners.count({ idPrefix: prefix })).toEqual({ total: 1 });
  // Combined with the other filters; a prefix nothing has; one that is not an id's start.
  expect(await viewer.runners.list({ idPrefix: prefix, status: "active" })).toEqual([]);
  expect(await viewer.runners.list({ idPrefix: "ffffffff-ffff-ffff" })).toEqual([]);
  await expect(viewer.runners.list({ idPrefix: "50%" })).rejects.toThrow(/idPrefix is the start of a runner id/);
});
