import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { dropSessionNeverUsed } from "./runner-sessions.ts";

describe("dropSessionNeverUsed (a launch refused before claude started)", () => {
  it("removes only a session nothing else refers to; a session with a line, usage, a copy, another runner or a fork stays", async () => {
    const db = createDb({
      connectionString: await createScratchDatabase(inject("adminUrl"), "dropsession"),
      poolMax: 2,
    });
    try {
      const project = await db.project.create({ data: { name: "p", path: "/tmp/p" } });
      const runnerOf = async (sessionId: string) =>
        (await db.runner.create({ data: { projectId: project.id, sessionId, status: "failed" } })).id;
      const session = (
        id: string,
        data: { messageCount?: number; transcriptKey?: string; forkedFromId?: string } = {},
      ) => db.session.create({ data: { id, projectId: project.id, cwd: "/tmp/p", ...data } });

      await session("empty");
      const refused = await runnerOf("empty");

      await session("with-line");
      const lineRunner = await runnerOf("with-line");
      await db.transcriptEntry.create({ data: { sessionId: "with-line", uuid: "u1", type: "user", rawLine: "{}" } });

      await session("with-usage");
      const usageRunner = await runnerOf("with-usage");
      await db.usageRecord.create({
        data: {
          usageKey: "msg_1",
          messageId: "msg_1",
          sessionId: "with-usage",
          projectId: project.id,
          model: "claude-sonnet-4-5",
          occurredAt: new Date(),
        },
      });

      await session("counted", { messageCount: 3 });
      const countedRunner = await runnerOf("counted");
      await session("stored", { transcriptKey: "sessions/stored.jsonl.gz" });
      const storedRunner = await runnerOf("stored");

      // A restart of a runner whose first launch produced nothing: the first runner still names it.
      await session("restarted");
      await runnerOf("restarted");
      const restart = await runnerOf("restarted");

      await session("parent");
      const parentRunner = await runnerOf("parent");
      await session("child", { forkedFromId: "parent" });

      const kept: [string, string][] = [
        ["with-line", lineRunner],
        ["with-usage", usageRunner],
        ["counted", countedRunner],
        ["stored", storedRunner],
        ["restarted", restart],
        ["parent", parentRunner],
      ];
      for (const [id, runner] of kept) expect(await dropSessionNeverUsed(db, id, runner), id).toBe(false);
      expect(await dropSessionNeverUsed(db, "empty", refused)).toBe(true);

      const left = (await db.session.findMany({ select: { id: true } })).map((s) => s.id).sort();
      expect(left).toEqual(["child", "counted", "parent", "restarted", "stored", "with-line", "with-usage"]);
      expect((await db.runner.findUniqueOrThrow({ where: { id: refused } })).sessionId).toBeNull();
    } finally {
      await db.$disconnect();
    }
  });
});
