import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, inject, it } from "vitest";
import { AppError } from "@stratavore/contracts";
import { ensureSession, insertBudget, insertRunner } from "@stratavore/db";
import { uniqueSlug, workerDatabase } from "@stratavore/db/testing";
import type { AgentSocket } from "../fleet/agent-registry.ts";
import { createHarness } from "../testing/api-harness.ts";
import { admit, admitting, type AdmissionRequest } from "./admission.ts";

const h = createHarness(workerDatabase(inject("databaseUrls")));
afterAll(() => h.close());

/** A node whose agent counts as connected in this process (admission asks only that). */
async function node(capacity: number, labels: string[] = []) {
  const row = await h.node({ capacity, labels });
  h.deps.fleet.agents.attach(row.id, {
    id: randomUUID(),
    connected: true,
    disconnect: () => undefined,
  } as unknown as AgentSocket);
  return row.id;
}

async function project(maxRunners: number) {
  const { api } = await h.as("operator");
  return api.projects.create({ name: uniqueSlug("adm"), path: "/srv/adm", maxRunners });
}

async function occupy(projectId: string, nodeId: string, sessionId?: string) {
  if (sessionId) await ensureSession(h.db, { id: sessionId, projectId, nodeId, cwd: "/srv/adm" });
  await h.runningRunner(projectId, nodeId, sessionId);
}

const codeOf = (req: AdmissionRequest) =>
  admitting(h.deps, req.project.id, (tx) => admit(h.deps, tx, req)).then(
    (n) => n,
    (e: unknown) => (e instanceof AppError ? e.code : String(e)),
  );

describe("the one admission path (launch, resume, fork, restart)", () => {
  it("refuses over quota, a session open elsewhere, an exceeded biting budget, and a full or unknown node — in that order", async () => {
    const p = await project(2);
    const n1 = await node(1, ["gpu"]);
    const n2 = await node(5);
    const req = { project: p, labels: [] as string[] };
    // Least loaded with room; the required node only; labels filter.
    expect(await codeOf({ ...req, requiredNodeId: n1 })).toBe(n1);
    expect(await codeOf({ ...req, labels: ["gpu"] })).toBe(n1);
    expect(await codeOf({ ...req, labels: ["tpu"] })).toBe("NO_NODE_AVAILABLE");
    const session = randomUUID();
    await occupy(p.id, n1, session);
    expect(await codeOf({ ...req, requiredNodeId: n1 })).toBe("NODE_UNAVAILABLE"); // full
    expect(await codeOf({ ...req, labels: ["gpu"] })).toBe("NO_NODE_AVAILABLE");
    expect(await codeOf({ ...req, exclusiveSession: session })).toBe("CONFLICT");
    // A restart's previous node is preferred when it has room, whatever the load elsewhere.
    expect(await codeOf({ ...req, preferredNodeId: n2 })).toBe(n2);
    // An exceeded biting budget refuses.
    await insertBudget(h.db, {
      name: uniqueSlug("b"),
      scope: "project",
      scopeId: p.id,
      period: "daily",
      limitTokens: 1,
      action: "block_launch",
    });
    await h.db.usageRecord.create({
      data: {
        usageKey: randomUUID(),
        messageId: randomUUID(),
        projectId: p.id,
        model: "claude-sonnet-4-5",
        inputTokens: 5,
        totalTokens: 5,
        occurredAt: new Date(),
      },
    });
    expect(await codeOf(req)).toBe("BUDGET_BLOCKED");
    // Over quota comes first, before the session and the budget are looked at.
    await occupy(p.id, n2, randomUUID());
    expect(await codeOf({ ...req, exclusiveSession: session })).toBe("QUOTA_EXCEEDED");
  });

  it("admits a burst one at a time: never past the quota or a node's capacity", async () => {
    const p = await project(4);
    const n = await node(3);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        admitting(h.deps, p.id, async (tx) => {
          const placed = await admit(h.deps, tx, { project: p, labels: [], requiredNodeId: n });
          await insertRunner(tx, {
            projectId: p.id,
            nodeId: placed,
            status: "starting",
            conversationMode: "new",
            flags: [],
            labels: [],
          });
          return "ok";
        }).catch((e: unknown) => (e instanceof AppError ? e.code : String(e))),
      ),
    );
    expect(results.filter((r) => r === "ok")).toHaveLength(3);
    expect(results.filter((r) => r === "NODE_UNAVAILABLE")).toHaveLength(5);
  });
});
