import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { applyMigrations } from "./migrator.ts";

const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
/** The migration before the store-copy stamp. */
const BEFORE = "20261201122917_import_cursors";

const clients: pg.Client[] = [];
afterAll(() => Promise.all(clients.map((c) => c.end())));

describe("the store-copy stamp migration", () => {
  it("keeps runners' sessions' current copies current, and makes imported sessions, sessions never copied, or copied before their last message, due", async () => {
    const url = await createScratchDatabase(inject("adminUrl"), "stamp", { migrate: false });
    await applyMigrations(url, { prismaDir, upTo: BEFORE });
    const db = new pg.Client({ connectionString: url });
    clients.push(db);
    await db.connect();
    const [project, node] = [randomUUID(), randomUUID()];
    await db.query(`INSERT INTO "Project" (id, name, path, "updatedAt") VALUES ($1, 'p', '/srv/p', now())`, [project]);
    await db.query(
      `INSERT INTO "Node" (id, name, hostname, "agentVersion", "credentialHash", "updatedAt") VALUES ($1, 'n', 'n', '0.1.0', 'h', now())`,
      [node],
    );
    const last = new Date("2026-05-01T10:00:00Z");
    const after = new Date("2026-05-02T00:00:00Z");
    // [archivedAt, has lines, had a runner] as the older release left them.
    const sessions = {
      neverCopied: [null, true, true],
      copiedAfterLastMessage: [after, true, true],
      copiedBeforeLastMessage: [new Date("2026-04-30T00:00:00Z"), true, true],
      importedCopied: [after, true, false],
      noLines: [null, false, false],
    } as const;
    const ids = new Map<string, string>();
    for (const [name, [archivedAt, lines, runner]] of Object.entries(sessions)) {
      const id = randomUUID();
      ids.set(name, id);
      await db.query(
        `INSERT INTO "Session" (id, "lastMessageAt", "archivedAt", "updatedAt") VALUES ($1, $2, $3, '2026-05-03T00:00:00Z')`,
        [id, last, archivedAt],
      );
      if (lines)
        await db.query(
          `INSERT INTO "TranscriptEntry" ("sessionId", uuid, type, "toolNames", "rawLine") VALUES ($1, 'u1', 'user', '{}', '{}')`,
          [id],
        );
      if (runner)
        await db.query(
          `INSERT INTO "Runner" (id, "projectId", "nodeId", "sessionId", status, "updatedAt") VALUES ($1, $2, $3, $4, 'terminated', now())`,
          [randomUUID(), project, node, id],
        );
    }

    await applyMigrations(url, { prismaDir });
    const { rows } = await db.query<{ id: string; stamped: boolean; current: boolean }>(
      `SELECT id, "entriesAt" IS NOT NULL AS stamped, "entriesAt" IS NOT DISTINCT FROM "archivedEntriesAt" AS current FROM "Session"`,
    );
    const state = Object.fromEntries(
      [...ids].map(([name, id]) => {
        const r = rows.find((x) => x.id === id)!;
        return [name, { stamped: r.stamped, current: r.current }];
      }),
    );
    expect(state).toEqual({
      neverCopied: { stamped: true, current: false },
      copiedAfterLastMessage: { stamped: true, current: true },
      copiedBeforeLastMessage: { stamped: true, current: false },
      importedCopied: { stamped: true, current: false },
      noLines: { stamped: false, current: true },
    });
  });
});
