/**
 * The dashboard benches' world, written straight into the database: 50 projects, 10 online
 * nodes, 100,000 sessions, 1,000 running runners, and `rows` ledger rows over 90 days (6 models,
 * usage in every minute — the worst case for the hourly rollup: every hour of every project and
 * model has a row). Returns the seconds it took.
 */
import type { Db } from "@stratavore/db";

export async function seedLedgerWorld(db: Db, rows: number): Promise<number> {
  const t0 = performance.now();
  await db.$executeRawUnsafe(`
    INSERT INTO "Project" (id, name, path, tags, "nodeLabels", "updatedAt")
    SELECT gen_random_uuid(), 'p' || i, '/tmp', '{}', '{}', now() FROM generate_series(1, 50) i`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Node" (id, name, hostname, "agentVersion", status, "credentialHash", labels, "updatedAt", "lastSeenAt")
    SELECT gen_random_uuid(), 'n' || i, 'n' || i, 'bench', 'online', md5(i::text), '{}', now(), now() FROM generate_series(1, 10) i`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Session" (id, "projectId", title, cwd, "firstMessageAt", "lastMessageAt", "messageCount", "updatedAt")
    SELECT 's' || i, p.id, 'refactor the billing module part ' || i, '/tmp', now() - (i % 90) * interval '1 day',
           now() - (i % 90) * interval '1 day' + interval '1 hour', 20, now()
      FROM generate_series(1, 100000) i
      JOIN (SELECT id, row_number() OVER () - 1 AS n FROM "Project") p ON p.n = i % 50`);
  await db.$executeRawUnsafe(`
    INSERT INTO "Runner" (id, "projectId", "nodeId", status, "startedAt", "updatedAt")
    SELECT gen_random_uuid(), p.id, n.id, 'running', now(), now()
      FROM generate_series(1, 1000) i
      JOIN (SELECT id, row_number() OVER () - 1 AS k FROM "Project") p ON p.k = i % 50
      JOIN (SELECT id, row_number() OVER () - 1 AS k FROM "Node") n ON n.k = i % 10`);
  await db.$executeRawUnsafe(`
    INSERT INTO "UsageRecord" ("usageKey", "messageId", "projectId", "sessionId", model, "inputTokens", "outputTokens",
      "cacheWrite5mTokens", "cacheReadTokens", "totalTokens", "costUsd", "occurredAt")
    SELECT 'msg_' || i, 'msg_' || i, p.id, 's' || (1 + i % 100000),
           (ARRAY['claude-opus-4-5','claude-sonnet-4-5','claude-haiku-4-5','claude-opus-4-1','claude-sonnet-4','claude-3-5-haiku'])[1 + i % 6],
           4, 300, 1200, 5000, 6504, 0.01, now() - (i % 129600) * interval '1 minute'
      FROM generate_series(1, ${rows}) i
      JOIN (SELECT id, row_number() OVER () - 1 AS n FROM "Project") p ON p.n = i % 50`);
  await db.$executeRawUnsafe(`ANALYZE`);
  return (performance.now() - t0) / 1000;
}
