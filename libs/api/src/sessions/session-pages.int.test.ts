import { randomUUID } from "node:crypto";
import { afterAll, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

it("sessions.list says how many match and pages through all of them, each exactly once, in every order", async () => {
  const { api } = await h.as("viewer");
  const admin = (await h.as("admin")).api;
  const project = await admin.projects.create({ name: uniqueSlug("pages"), path: `/srv/${uniqueSlug("p")}` });
  const ids: string[] = [];
  // 23 sessions, one minute apart, with different message counts.
  for (let i = 0; i < 23; i++) {
    const id = randomUUID();
    ids.push(id);
    await h.db.session.create({
      data: {
        id,
        projectId: project.id,
        lastMessageAt: new Date(Date.UTC(2026, 10, 1, 10, i)),
        messageCount: (i * 7) % 11,
      },
    });
  }
  for (const sort of ["recent", "oldest", "messages", "cost"] as const) {
    const seen: string[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await api.sessions.list({ project: project.name, sort, limit: 10, cursor });
      expect(r.total).toBe(23);
      seen.push(...r.sessions.map((s) => s.id));
      if (seen.length >= r.total) break;
      cursor = seen.length;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen)).toEqual(new Set(ids));
    if (sort === "recent") expect(seen).toEqual([...ids].reverse());
    if (sort === "oldest") expect(seen).toEqual(ids);
  }
  // Past the end: an empty page, the same total.
  const beyond = await api.sessions.list({ project: project.name, limit: 10, cursor: 40 });
  expect(beyond).toMatchObject({ sessions: [], total: 23 });
});
