import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { advisoryLock } from "@stratavore/db";
import { createScratchDatabase, uniqueSlug } from "@stratavore/db/testing";
import { createHarness } from "../testing/api-harness.ts";
import { restartDueRunner } from "./restart-service.ts";

/**
 * A failed runner's restart is read as due, then admitted under its project's lock. Whatever
 * cancels it (a resume from the dashboard, a runner taking its session up in the terminal) holds
 * that lock while it does: the restart must judge again under the lock, or deferring it (no node
 * here) sets it going again. Own database: no other test's reconciler acts on these rows.
 */
let h: ReturnType<typeof createHarness>;
let projectId = "";
beforeAll(async () => {
  h = createHarness(await createScratchDatabase(inject("adminUrl"), "restartrace"));
  const { api } = await h.as("admin");
  projectId = (await api.projects.create({ name: uniqueSlug("race"), path: "/srv/restart-race" })).id;
});
afterAll(() => h?.close());

it("a restart cancelled while it waited for the project's lock is neither made nor deferred", async () => {
  const sessionId = randomUUID();
  await h.db.session.create({ data: { id: sessionId, projectId } });
  const runner = await h.db.runner.create({
    data: {
      projectId,
      status: "failed",
      sessionId,
      endedAt: new Date(),
      endReason: "exit code 1",
      nextRestartAt: new Date(Date.now() - 1000),
    },
  });
  let restart: Promise<void> | undefined;
  await h.db.$transaction(
    async (tx) => {
      await advisoryLock(tx, `project:${projectId}`);
      restart = restartDueRunner(h.deps, runner.id);
      // The restart has read the runner as due and now waits for the lock this transaction holds.
      await expect
        .poll(
          async () =>
            Number(
              (
                await h.db.$queryRaw<Array<{ n: bigint }>>`
                  SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted`
              )[0]?.n,
            ),
          { timeout: 10_000 },
        )
        .toBe(1);
      await tx.runner.update({ where: { id: runner.id }, data: { nextRestartAt: null } });
    },
    { timeout: 20_000 },
  );
  await restart;
  const after = await h.db.runner.findUniqueOrThrow({ where: { id: runner.id } });
  expect(after).toMatchObject({ status: "failed", nextRestartAt: null, restartDeferredSince: null });
  expect(
    await h.db.event.count({
      where: { entityId: runner.id, type: { in: ["runner.restarting", "runner.restart_deferred"] } },
    }),
  ).toBe(0);
});
