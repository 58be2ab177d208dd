import { afterAll, describe, expect, inject, it } from "vitest";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { createHarness, errorCodeOf } from "../testing/api-harness.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

describe("projects", () => {
  it("creates, lists with filters, shows derived stats, edits, archives, unarchives and deletes", async () => {
    const { api: op } = await h.as("operator");
    const { api: admin } = await h.as("admin");
    const name = uniqueSlug("proj");
    const tag = uniqueSlug("tag");
    const created = await op.projects.create({
      name,
      path: "/srv/checkouts/app/",
      tags: [tag],
      description: "Payments service",
    });
    expect(created).toMatchObject({
      name,
      path: "/srv/checkouts/app",
      status: "idle",
      maxRunners: 5,
      activeRunners: 0,
      tags: [tag],
    });

    expect((await op.projects.list({ tag })).map((p) => p.name)).toEqual([name]);
    expect((await op.projects.list({ search: "PAYMENTS", tag })).map((p) => p.id)).toEqual([created.id]);
    expect(await op.projects.list({ status: "active", tag })).toEqual([]);

    const detail = await op.projects.get({ ref: name });
    expect(detail.stats).toEqual({
      activeRunners: 0,
      totalRunners: 0,
      sessions: 0,
      totalTokens: 0,
      costUsd: 0,
      lastActivityAt: null,
    });
    expect((await op.projects.get({ ref: created.id })).name).toBe(name);

    const renamed = `${name}-v2`;
    const edited = await op.projects.update({ id: created.id, name: renamed, maxRunners: 2, tags: [] });
    expect(edited).toMatchObject({ name: renamed, maxRunners: 2, tags: [] });

    const archived = await op.projects.archive({ id: created.id });
    expect(archived.status).toBe("archived");
    expect((await op.projects.list({ search: renamed })).length).toBe(0);
    expect((await op.projects.list({ search: renamed, status: "archived" })).length).toBe(1);
    expect((await op.projects.unarchive({ id: created.id })).status).toBe("idle");

    await admin.projects.delete({ id: created.id });
    expect(await errorCodeOf(op.projects.get({ ref: created.id }))).toEqual({ trpc: "NOT_FOUND", app: "NOT_FOUND" });
  });

  it("derives active status and stats from runner rows and refuses archive/delete while runners are active", async () => {
    const { api: admin } = await h.as("admin");
    const p = await admin.projects.create({ name: uniqueSlug("busy"), path: "/srv/busy" });
    await h.db.runner.create({ data: { projectId: p.id, status: "running" } });
    await h.db.runner.create({ data: { projectId: p.id, status: "terminated" } });

    const detail = await admin.projects.get({ ref: p.name });
    expect(detail.status).toBe("active");
    expect(detail.stats).toMatchObject({ activeRunners: 1, totalRunners: 2 });
    expect(await errorCodeOf(admin.projects.archive({ id: p.id }))).toEqual({
      trpc: "PRECONDITION_FAILED",
      app: "PROJECT_HAS_ACTIVE_RUNNERS",
    });
    expect(await errorCodeOf(admin.projects.delete({ id: p.id }))).toEqual({
      trpc: "PRECONDITION_FAILED",
      app: "PROJECT_HAS_ACTIVE_RUNNERS",
    });
    expect((await admin.projects.get({ ref: p.id })).name).toBe(p.name);
  });

  it("rejects bad input with VALIDATION and field issues, duplicates with PROJECT_NAME_TAKEN, and writes nothing", async () => {
    const { api } = await h.as("operator");
    const before = await h.db.project.count();
    const bad = await errorCodeOf(api.projects.create({ name: "Not A Slug!", path: "relative/path" }));
    expect(bad).toEqual({ trpc: "BAD_REQUEST", app: "VALIDATION" });
    const name = uniqueSlug("dup");
    await api.projects.create({ name, path: "/a" });
    expect(await errorCodeOf(api.projects.create({ name, path: "/b" }))).toEqual({
      trpc: "CONFLICT",
      app: "PROJECT_NAME_TAKEN",
    });
    expect(
      await errorCodeOf(api.projects.update({ id: "00000000-0000-4000-8000-000000000000", description: "x" })),
    ).toEqual({ trpc: "NOT_FOUND", app: "NOT_FOUND" });
    expect(await h.db.project.count()).toBe(before + 1);
  });

  it("announces changes after commit with increasing seq, and backfills them by seq", async () => {
    const { api } = await h.as("operator");
    const { seq: start } = await api.projects.changesSince({});
    const sentBefore = h.bus.sent.length;
    const p = await api.projects.create({ name: uniqueSlug("rt"), path: "/rt" });
    await api.projects.update({ id: p.id, description: "changed" });
    const events = h.bus.sent.slice(sentBefore).filter((e) => e.room === "fleet");
    expect(events.map((e) => e.event)).toEqual(["project:upsert", "project:upsert"]);
    const seqs = events.map((e) => (e.payload as { seq: number }).seq);
    expect(seqs[1]).toBeGreaterThan(seqs[0]!);
    expect(seqs[0]).toBeGreaterThan(start);

    // A failed write announces nothing.
    const sentAfter = h.bus.sent.length;
    await errorCodeOf(api.projects.create({ name: p.name, path: "/dup" }));
    expect(h.bus.sent.length).toBe(sentAfter);

    const back = await api.projects.changesSince({ afterSeq: start });
    expect(back.upserted.find((x) => x.id === p.id)?.description).toBe("changed");
    expect(back.seq).toBeGreaterThanOrEqual(seqs[1]!);
  });
});
