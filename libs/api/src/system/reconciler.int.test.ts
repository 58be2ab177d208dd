import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { ensureSession, insertRunner } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import { Fleet } from "../fleet/fleet.ts";
import { createHarness } from "../testing/api-harness.ts";
import { reconcileOnce } from "./reconciler.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

describe("the reconciler", () => {
  it("one runner whose restart throws fails alone: the others are restarted (or deferred) in the same pass, and the failure is logged", async () => {
    const { api } = await h.as("operator");
    const project = await api.projects.create({ name: uniqueSlug("rec"), path: "/srv/rec" });
    const due = async () => {
      const sessionId = randomUUID();
      await ensureSession(h.db, { id: sessionId, projectId: project.id, nodeId: null, cwd: "/srv/rec" });
      return insertRunner(h.db, {
        projectId: project.id,
        status: "failed",
        conversationMode: "new",
        sessionId,
        flags: [],
        labels: [],
        endReason: "exit 3",
        nextRestartAt: new Date(Date.now() - 1000),
      });
    };
    const [first, second] = [await due(), await due()];
    // The first admission of this project throws (a database error, say); the next ones work.
    const fleet = new Fleet();
    let broken = true;
    const serially = fleet.serially.bind(fleet);
    fleet.serially = <T>(key: string, work: () => Promise<T>): Promise<T> => {
      if (key === `admit:${project.id}` && broken) {
        broken = false;
        return Promise.reject(new Error("connection reset"));
      }
      return serially(key, work);
    };
    const logs: Array<{ msg: string; meta?: Record<string, unknown> }> = [];
    const result = await reconcileOnce({ ...h.deps, fleet, log: (_level, msg, meta) => logs.push({ msg, meta }) });

    expect(logs.filter((l) => l.msg === "reconcile: restarting a runner failed")).toEqual([
      { msg: "reconcile: restarting a runner failed", meta: { runnerId: first.id, error: "Error: connection reset" } },
    ]);
    // No node is connected: the second runner's restart was judged and deferred, not skipped.
    const timeline = await api.runners.timeline({ id: second.id });
    expect(timeline.map((e) => e.type)).toContain("runner.restart_deferred");
    expect(result.restarted).toBeGreaterThanOrEqual(1);
    expect(typeof result.archived).toBe("number");
  });
});
