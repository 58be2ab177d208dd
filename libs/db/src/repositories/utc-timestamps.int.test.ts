import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { createDb } from "../client.ts";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { insertApiToken, revokeApiToken } from "./api-tokens.ts";
import { saveImportCursors } from "./import-cursors.ts";
import { insertImportedSession } from "./session-import.ts";
import { refreshSessionStats } from "./transcript-entries.ts";

/**
 * Timestamps are stored without a zone, as UTC (Prisma writes them so). What our own SQL writes
 * must be UTC too, whatever zone the database was set up with (a bare now() is local time).
 */
describe("timestamps written by SQL", () => {
  it("are UTC on a database whose time zone is Asia/Tokyo", async () => {
    const url = await createScratchDatabase(inject("adminUrl"), "tz");
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE "${new URL(url).pathname.slice(1)}" SET timezone = 'Asia/Tokyo'`);
    } finally {
      await admin.end();
    }
    const db = createDb({ connectionString: url, poolMax: 2 });
    try {
      const zone = await db.$queryRaw<Array<{ zone: string }>>`SELECT current_setting('TimeZone') AS zone`;
      expect(zone[0]?.zone).toBe("Asia/Tokyo");

      const sessionId = randomUUID();
      await insertImportedSession(db, {
        id: sessionId,
        projectId: null,
        cwd: "/w",
        title: null,
        first: null,
        last: null,
        messageCount: 0,
      });
      await db.transcriptEntry.create({ data: { sessionId, uuid: "u", type: "user", rawLine: "{}", toolNames: [] } });
      await db.$transaction((tx) => refreshSessionStats(tx, sessionId));
      await saveImportCursors(db, [{ path: `/w/${sessionId}.jsonl`, sessionId, bytes: 2, headSha256: "h" }]);
      const user = await db.user.create({
        data: { email: `${randomUUID()}@tz.test`, name: "tz", role: "admin", passwordHash: "x" },
      });
      const token = (over: { parentId?: string }) =>
        insertApiToken(db, {
          userId: user.id,
          name: "t",
          scopes: ["read"],
          prefix: randomUUID().slice(0, 8),
          tokenHash: randomUUID(),
          expiresAt: null,
          ...over,
        });
      const parent = await token({});
      const child = await token({ parentId: parent.id });
      await revokeApiToken(db, parent.id, user.id);

      const session = await db.session.findUniqueOrThrow({ where: { id: sessionId } });
      const cursor = await db.importCursor.findFirstOrThrow({ where: { sessionId } });
      const revoked = await db.apiToken.findUniqueOrThrow({ where: { id: child.id } });
      const written = {
        "Session.createdAt": session.createdAt,
        "Session.updatedAt": session.updatedAt,
        "Session.entriesAt": session.entriesAt,
        "ImportCursor.updatedAt": cursor.updatedAt,
        "ApiToken.revokedAt (minted token)": revoked.revokedAt,
      };
      // Tokyo is 9 hours ahead: a local time would be off by that much.
      const offBy = Object.fromEntries(
        Object.entries(written).map(([what, at]) => [what, Math.abs((at?.getTime() ?? 0) - Date.now()) < 60_000]),
      );
      expect(offBy).toEqual(Object.fromEntries(Object.keys(written).map((k) => [k, true])));
    } finally {
      await db.$disconnect();
    }
  });
});
