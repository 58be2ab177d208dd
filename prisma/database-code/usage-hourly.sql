-- The ledger's hourly rollup ("UsageHourly"), kept by statement-level triggers on
-- "UsageRecord": every insert, update (a larger total, a reprice) and delete (a re-key) moves
-- the hours it touches, in the same transaction. Applied after every migration run
-- (libs/db/src/migrations/database-code.ts); safe to run again.

CREATE OR REPLACE FUNCTION usage_hourly_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    INSERT INTO "UsageHourly" AS h (hour, "projectKey", model, "inputTokens", "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "totalTokens", "costUsd", "estimatedUsd", "unpricedTokens", "requests", "webSearchRequests")
    SELECT date_trunc('hour', r."occurredAt"), COALESCE(r."projectId", '00000000-0000-0000-0000-000000000000'::uuid), r.model,
           -sum(r."inputTokens"), -sum(r."outputTokens"), -sum(r."cacheWrite5mTokens"), -sum(r."cacheWrite1hTokens"),
           -sum(r."cacheReadTokens"), -sum(r."totalTokens"), -coalesce(sum(r."costUsd"), 0),
           -coalesce(sum(r."costUsd") FILTER (WHERE r."costEstimated"), 0),
           -coalesce(sum(r."totalTokens") FILTER (WHERE r.unpriced), 0), -count(*),
           -sum(r."webSearchRequests")
      FROM old_rows r
     GROUP BY 1, 2, 3
     -- One order for every writer: two transactions never wait on each other's rows crosswise.
     ORDER BY 1, 2, 3
    ON CONFLICT (hour, "projectKey", model) DO UPDATE SET
      "inputTokens" = h."inputTokens" + EXCLUDED."inputTokens",
      "outputTokens" = h."outputTokens" + EXCLUDED."outputTokens",
      "cacheWrite5mTokens" = h."cacheWrite5mTokens" + EXCLUDED."cacheWrite5mTokens",
      "cacheWrite1hTokens" = h."cacheWrite1hTokens" + EXCLUDED."cacheWrite1hTokens",
      "cacheReadTokens" = h."cacheReadTokens" + EXCLUDED."cacheReadTokens",
      "totalTokens" = h."totalTokens" + EXCLUDED."totalTokens",
      "costUsd" = h."costUsd" + EXCLUDED."costUsd",
      "estimatedUsd" = h."estimatedUsd" + EXCLUDED."estimatedUsd",
      "unpricedTokens" = h."unpricedTokens" + EXCLUDED."unpricedTokens",
      "requests" = h."requests" + EXCLUDED."requests",
      "webSearchRequests" = h."webSearchRequests" + EXCLUDED."webSearchRequests";
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "UsageHourly" AS h (hour, "projectKey", model, "inputTokens", "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "totalTokens", "costUsd", "estimatedUsd", "unpricedTokens", "requests", "webSearchRequests")
    SELECT date_trunc('hour', r."occurredAt"), COALESCE(r."projectId", '00000000-0000-0000-0000-000000000000'::uuid), r.model,
           sum(r."inputTokens"), sum(r."outputTokens"), sum(r."cacheWrite5mTokens"), sum(r."cacheWrite1hTokens"),
           sum(r."cacheReadTokens"), sum(r."totalTokens"), coalesce(sum(r."costUsd"), 0),
           coalesce(sum(r."costUsd") FILTER (WHERE r."costEstimated"), 0),
           coalesce(sum(r."totalTokens") FILTER (WHERE r.unpriced), 0), count(*),
           sum(r."webSearchRequests")
      FROM new_rows r
     GROUP BY 1, 2, 3
     -- One order for every writer: two transactions never wait on each other's rows crosswise.
     ORDER BY 1, 2, 3
    ON CONFLICT (hour, "projectKey", model) DO UPDATE SET
      "inputTokens" = h."inputTokens" + EXCLUDED."inputTokens",
      "outputTokens" = h."outputTokens" + EXCLUDED."outputTokens",
      "cacheWrite5mTokens" = h."cacheWrite5mTokens" + EXCLUDED."cacheWrite5mTokens",
      "cacheWrite1hTokens" = h."cacheWrite1hTokens" + EXCLUDED."cacheWrite1hTokens",
      "cacheReadTokens" = h."cacheReadTokens" + EXCLUDED."cacheReadTokens",
      "totalTokens" = h."totalTokens" + EXCLUDED."totalTokens",
      "costUsd" = h."costUsd" + EXCLUDED."costUsd",
      "estimatedUsd" = h."estimatedUsd" + EXCLUDED."estimatedUsd",
      "unpricedTokens" = h."unpricedTokens" + EXCLUDED."unpricedTokens",
      "requests" = h."requests" + EXCLUDED."requests",
      "webSearchRequests" = h."webSearchRequests" + EXCLUDED."webSearchRequests";
  END IF;
  RETURN NULL;
END
$$;

-- The first time: install the triggers and fill the rollup from the ledger, with writers held
-- off so nothing lands between the two.
DO $install$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'usage_hourly_insert') THEN
    LOCK TABLE "UsageRecord" IN SHARE ROW EXCLUSIVE MODE;
    DELETE FROM "UsageHourly";
    INSERT INTO "UsageHourly" AS h (hour, "projectKey", model, "inputTokens", "outputTokens", "cacheWrite5mTokens", "cacheWrite1hTokens", "cacheReadTokens", "totalTokens", "costUsd", "estimatedUsd", "unpricedTokens", "requests", "webSearchRequests")
        SELECT date_trunc('hour', r."occurredAt"), COALESCE(r."projectId", '00000000-0000-0000-0000-000000000000'::uuid), r.model,
               sum(r."inputTokens"), sum(r."outputTokens"), sum(r."cacheWrite5mTokens"), sum(r."cacheWrite1hTokens"),
               sum(r."cacheReadTokens"), sum(r."totalTokens"), coalesce(sum(r."costUsd"), 0),
               coalesce(sum(r."costUsd") FILTER (WHERE r."costEstimated"), 0),
               coalesce(sum(r."totalTokens") FILTER (WHERE r.unpriced), 0), count(*),
               sum(r."webSearchRequests")
          FROM "UsageRecord" r
         GROUP BY 1, 2, 3
         -- One order for every writer: two transactions never wait on each other's rows crosswise.
         ORDER BY 1, 2, 3
        ON CONFLICT (hour, "projectKey", model) DO UPDATE SET
          "inputTokens" = h."inputTokens" + EXCLUDED."inputTokens",
          "outputTokens" = h."outputTokens" + EXCLUDED."outputTokens",
          "cacheWrite5mTokens" = h."cacheWrite5mTokens" + EXCLUDED."cacheWrite5mTokens",
          "cacheWrite1hTokens" = h."cacheWrite1hTokens" + EXCLUDED."cacheWrite1hTokens",
          "cacheReadTokens" = h."cacheReadTokens" + EXCLUDED."cacheReadTokens",
          "totalTokens" = h."totalTokens" + EXCLUDED."totalTokens",
          "costUsd" = h."costUsd" + EXCLUDED."costUsd",
          "estimatedUsd" = h."estimatedUsd" + EXCLUDED."estimatedUsd",
          "unpricedTokens" = h."unpricedTokens" + EXCLUDED."unpricedTokens",
          "requests" = h."requests" + EXCLUDED."requests",
          "webSearchRequests" = h."webSearchRequests" + EXCLUDED."webSearchRequests";
    CREATE TRIGGER usage_hourly_insert AFTER INSERT ON "UsageRecord"
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
    CREATE TRIGGER usage_hourly_update AFTER UPDATE ON "UsageRecord"
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
    CREATE TRIGGER usage_hourly_delete AFTER DELETE ON "UsageRecord"
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
  END IF;
END
$install$;
