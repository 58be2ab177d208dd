-- AlterTable
ALTER TABLE "UsageHourly" ADD COLUMN     "webSearchRequests" BIGINT NOT NULL DEFAULT 0;

-- stratavore:custom
-- From now on the trigger keeps the rollup's web searches (prisma/database-code/usage-hourly.sql,
-- replaced after this run). The hours kept before are filled once from the ledger here
-- (no semicolon in these comments: the migration engine splits the script at them).
UPDATE "UsageHourly" h SET "webSearchRequests" = s.n
  FROM (SELECT date_trunc('hour', r."occurredAt") AS hour,
               COALESCE(r."projectId", '00000000-0000-0000-0000-000000000000'::uuid) AS project_key,
               r.model, sum(r."webSearchRequests") AS n
          FROM "UsageRecord" r WHERE r."webSearchRequests" > 0 GROUP BY 1, 2, 3) s
 WHERE h.hour = s.hour AND h."projectKey" = s.project_key AND h.model = s.model;
