import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { createScratchDatabase } from "../testing/test-postgres.ts";
import { applyMigrations, listMigrationDirs } from "./migrator.ts";

/**
 * An upgrade on a database with data in it: the schema as of an older release, filled, then
 * every later migration applied. Nothing may be lost or altered (issue 14, upgrades).
 */
const prismaDir = fileURLToPath(new URL("../../../../prisma", import.meta.url));
/** The last migration of the release before sign-ins, minted tokens and node certificates. */
const OLDER = "20261130035017_runner_truth";

const clients: pg.Client[] = [];
afterAll(() => Promise.all(clients.map((c) => c.end())));

describe("upgrading a database with data in it", () => {
  it("keeps every row and the ledger's totals through every later migration", async () => {
    const url = await createScratchDatabase(inject("adminUrl"), "upgrade", { migrate: false });
    const older = await applyMigrations(url, { prismaDir, upTo: OLDER });
    expect(older.at(-1)).toBe(OLDER);
    const db = new pg.Client({ connectionString: url });
    clients.push(db);
    await db.connect();

    // Data as that release wrote it.
    const [user, project, node, runner, session] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    await db.query(
      `INSERT INTO "User" (id, email, name, role, "passwordHash", "updatedAt") VALUES ($1, 'old@example.test', 'Old', 'admin', 'hash', now())`,
      [user],
    );
    await db.query(
      `INSERT INTO "ApiToken" (id, "userId", name, scopes, prefix, "tokenHash") VALUES ($1, $2, 'old token', '{read,write}', 'svt_old', 'token-hash')`,
      [randomUUID(), user],
    );
    await db.query(
      `INSERT INTO "Project" (id, name, path, "updatedAt") VALUES ($1, 'old-project', '/srv/old', now())`,
      [project],
    );
    await db.query(
      `INSERT INTO "Node" (id, name, hostname, "agentVersion", "credentialHash", "updatedAt") VALUES ($1, 'old-node', 'old', '0.1.0', 'cred-hash', now())`,
      [node],
    );
    await db.query(`INSERT INTO "Session" (id, "projectId", "updatedAt") VALUES ($1, $2, now())`, [session, project]);
    await db.query(
      `INSERT INTO "Runner" (id, "projectId", "nodeId", "sessionId", status, "updatedAt") VALUES ($1, $2, $3, $4, 'terminated', now())`,
      [runner, project, node, session],
    );
    for (const [i, tokens] of [123_456, 7_890_123, 42].entries())
      await db.query(
        `INSERT INTO "UsageRecord" ("usageKey", "messageId", model, "occurredAt", "runnerId", "projectId", "nodeId", "sessionId", "inputTokens", "outputTokens", "totalTokens", "costUsd")
         VALUES ($1, $1, 'claude-sonnet-4-5', now(), $2, $3, $4, $5, $6::int8, 10, $6::int8 + 10, $7::numeric)`,
        [`msg_${i}`, runner, project, node, session, tokens, (tokens + 10) / 1e6],
      );
    const figures = async () =>
      (
        await db.query<Record<string, string>>(`SELECT
          (SELECT count(*) FROM "User") AS users, (SELECT count(*) FROM "ApiToken") AS tokens,
          (SELECT count(*) FROM "Project") AS projects, (SELECT count(*) FROM "Node") AS nodes,
          (SELECT count(*) FROM "Runner") AS runners, (SELECT count(*) FROM "Session") AS sessions,
          (SELECT count(*) FROM "UsageRecord") AS records, (SELECT sum("totalTokens") FROM "UsageRecord") AS tokens_total,
          (SELECT sum("costUsd") FROM "UsageRecord") AS usd_total`)
      ).rows[0];
    const before = await figures();

    const later = await applyMigrations(url, { prismaDir });
    const all = await listMigrationDirs(`${prismaDir}/migrations`);
    expect(later).toEqual(all.filter((d) => d > OLDER));
    expect(later.length).toBeGreaterThan(0);

    expect(await figures()).toEqual(before);
    expect(before?.tokens_total).toBe(String(123_456 + 7_890_123 + 42 + 30));
    // New columns arrive with their defaults on old rows; new tables start empty.
    const nodeRow = (await db.query(`SELECT "deadLetters", "certSerial" FROM "Node" WHERE id = $1`, [node])).rows[0];
    expect(nodeRow).toEqual({ deadLetters: 0, certSerial: null });
    const tokenRow = (await db.query(`SELECT "parentId" FROM "ApiToken"`)).rows[0];
    expect(tokenRow).toEqual({ parentId: null });
    expect((await db.query(`SELECT count(*)::int AS n FROM "LoginSession"`)).rows[0]).toEqual({ n: 0 });
  });
});
