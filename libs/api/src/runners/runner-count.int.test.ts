import { afterAll, expect, inject, it } from "vitest";
import { uniqueSlug } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(inject("databaseUrl"));
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
