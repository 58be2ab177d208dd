-- CreateTable
CREATE TABLE "UsageHourly" (
    "hour" TIMESTAMP(3) NOT NULL,
    "projectKey" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWrite5mTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWrite1hTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheReadTokens" BIGINT NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "estimatedUsd" DECIMAL(20,8) NOT NULL DEFAULT 0,
    "unpricedTokens" BIGINT NOT NULL DEFAULT 0,
    "requests" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageHourly_pkey" PRIMARY KEY ("hour","projectKey","model")
);

-- CreateIndex
CREATE INDEX "UsageHourly_projectKey_hour_idx" ON "UsageHourly"("projectKey", "hour");

-- stratavore:custom
-- The triggers that keep it, and its first filling, are database code applied after the
-- migrations (prisma/database-code/usage-hourly.sql): the migration engine splits statements
-- at semicolons, which a PL/pgSQL body is full of.
