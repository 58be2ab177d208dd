-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('admin', 'operator', 'viewer');

-- CreateEnum
CREATE TYPE "NodeStatus" AS ENUM ('online', 'draining', 'offline');

-- CreateEnum
CREATE TYPE "ProjectStatus" AS ENUM ('active', 'idle', 'archived');

-- CreateEnum
CREATE TYPE "RunnerStatus" AS ENUM ('starting', 'running', 'paused', 'stopping', 'terminated', 'failed');

-- CreateEnum
CREATE TYPE "RunnerRuntime" AS ENUM ('process', 'container', 'remote');

-- CreateEnum
CREATE TYPE "ConversationMode" AS ENUM ('new', 'continue', 'resume');

-- CreateEnum
CREATE TYPE "BudgetScope" AS ENUM ('global', 'project', 'runner');

-- CreateEnum
CREATE TYPE "BudgetPeriod" AS ENUM ('hourly', 'daily', 'weekly', 'monthly');

-- CreateEnum
CREATE TYPE "BudgetAction" AS ENUM ('notify', 'block_launch', 'pause', 'terminate');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('webhook', 'telegram', 'rabbitmq');

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL DEFAULT 'viewer',
    "passwordHash" TEXT NOT NULL,
    "disabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiToken" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scopes" TEXT[],
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "lastUsedAt" TIMESTAMP(3),
    "expiresAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Node" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "hostname" TEXT NOT NULL,
    "agentVersion" TEXT NOT NULL,
    "claudeVersion" TEXT,
    "capacity" INTEGER NOT NULL DEFAULT 5,
    "labels" TEXT[],
    "status" "NodeStatus" NOT NULL DEFAULT 'offline',
    "credentialHash" TEXT NOT NULL,
    "lastSeenAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Node_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "JoinToken" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "revokedAt" TIMESTAMP(3),
    "createdById" UUID NOT NULL,
    "nodeId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "JoinToken_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Project" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[],
    "status" "ProjectStatus" NOT NULL DEFAULT 'active',
    "defaultNodeId" UUID,
    "nodeLabels" TEXT[],
    "maxRunners" INTEGER NOT NULL DEFAULT 5,
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Project_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Runner" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "nodeId" UUID,
    "status" "RunnerStatus" NOT NULL DEFAULT 'starting',
    "runtime" "RunnerRuntime" NOT NULL DEFAULT 'process',
    "conversationMode" "ConversationMode" NOT NULL DEFAULT 'new',
    "sessionId" TEXT,
    "model" TEXT,
    "prompt" TEXT,
    "flags" TEXT[],
    "env" JSONB NOT NULL DEFAULT '{}',
    "pid" INTEGER,
    "exitCode" INTEGER,
    "endReason" TEXT,
    "restartAttempts" INTEGER NOT NULL DEFAULT 0,
    "maxRestarts" INTEGER NOT NULL DEFAULT 3,
    "cpuPercent" DOUBLE PRECISION,
    "memoryBytes" BIGINT,
    "lastHeartbeatAt" TIMESTAMP(3),
    "createdById" UUID,
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Runner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "projectId" UUID,
    "nodeId" UUID,
    "title" TEXT,
    "summary" TEXT,
    "cwd" TEXT,
    "firstMessageAt" TIMESTAMP(3),
    "lastMessageAt" TIMESTAMP(3),
    "messageCount" INTEGER NOT NULL DEFAULT 0,
    "resumable" BOOLEAN NOT NULL DEFAULT true,
    "resumedFromId" TEXT,
    "forkedFromId" TEXT,
    "transcriptKey" TEXT,
    "transcriptSize" BIGINT,
    "transcriptSha256" TEXT,
    "archivedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TranscriptEntry" (
    "id" BIGSERIAL NOT NULL,
    "sessionId" TEXT NOT NULL,
    "uuid" TEXT NOT NULL,
    "parentUuid" TEXT,
    "type" TEXT NOT NULL,
    "role" TEXT,
    "text" TEXT NOT NULL DEFAULT '',
    "toolNames" TEXT[],
    "isSidechain" BOOLEAN NOT NULL DEFAULT false,
    "timestamp" TIMESTAMP(3),
    "lineNo" INTEGER,
    "raw" JSONB,

    CONSTRAINT "TranscriptEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageRecord" (
    "id" BIGSERIAL NOT NULL,
    "usageKey" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "requestId" TEXT,
    "sessionId" TEXT,
    "runnerId" UUID,
    "projectId" UUID,
    "nodeId" UUID,
    "model" TEXT NOT NULL,
    "serviceTier" TEXT,
    "speed" TEXT,
    "inputTokens" BIGINT NOT NULL DEFAULT 0,
    "outputTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWrite5mTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheWrite1hTokens" BIGINT NOT NULL DEFAULT 0,
    "cacheReadTokens" BIGINT NOT NULL DEFAULT 0,
    "webSearchRequests" INTEGER NOT NULL DEFAULT 0,
    "webFetchRequests" INTEGER NOT NULL DEFAULT 0,
    "totalTokens" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(18,8),
    "priceVersion" TEXT,
    "unpriced" BOOLEAN NOT NULL DEFAULT false,
    "isSidechain" BOOLEAN NOT NULL DEFAULT false,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "UsageRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PriceTable" (
    "id" UUID NOT NULL,
    "version" TEXT NOT NULL,
    "modelPattern" TEXT NOT NULL,
    "inputPerMTok" DECIMAL(12,6) NOT NULL,
    "outputPerMTok" DECIMAL(12,6) NOT NULL,
    "cacheWrite5mPerMTok" DECIMAL(12,6) NOT NULL,
    "cacheWrite1hPerMTok" DECIMAL(12,6) NOT NULL,
    "cacheReadPerMTok" DECIMAL(12,6) NOT NULL,
    "longContextThreshold" INTEGER,
    "longContextMultiplierInput" DECIMAL(6,3),
    "longContextMultiplierOutput" DECIMAL(6,3),
    "fastModeMultiplier" DECIMAL(6,3),
    "isOverride" BOOLEAN NOT NULL DEFAULT false,
    "effectiveFrom" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PriceTable_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Budget" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "scope" "BudgetScope" NOT NULL,
    "scopeId" TEXT,
    "period" "BudgetPeriod" NOT NULL,
    "limitTokens" BIGINT,
    "limitUsd" DECIMAL(14,4),
    "warnPercent" INTEGER NOT NULL DEFAULT 80,
    "action" "BudgetAction" NOT NULL DEFAULT 'notify',
    "warnedPeriod" TIMESTAMP(3),
    "trippedPeriod" TIMESTAMP(3),
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Budget_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Event" (
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',
    "prevHash" TEXT NOT NULL,
    "signature" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Event_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "NotificationChannel" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "configEncrypted" TEXT NOT NULL,
    "eventFilter" TEXT[],
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationChannel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "ApiToken_tokenHash_key" ON "ApiToken"("tokenHash");

-- CreateIndex
CREATE INDEX "ApiToken_userId_createdAt_idx" ON "ApiToken"("userId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Node_name_key" ON "Node"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Node_credentialHash_key" ON "Node"("credentialHash");

-- CreateIndex
CREATE INDEX "Node_status_lastSeenAt_idx" ON "Node"("status", "lastSeenAt");

-- CreateIndex
CREATE UNIQUE INDEX "JoinToken_tokenHash_key" ON "JoinToken"("tokenHash");

-- CreateIndex
CREATE UNIQUE INDEX "JoinToken_nodeId_key" ON "JoinToken"("nodeId");

-- CreateIndex
CREATE UNIQUE INDEX "Project_name_key" ON "Project"("name");

-- CreateIndex
CREATE INDEX "Project_status_name_idx" ON "Project"("status", "name");

-- CreateIndex
CREATE INDEX "Project_tags_idx" ON "Project" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "Runner_projectId_status_idx" ON "Runner"("projectId", "status");

-- CreateIndex
CREATE INDEX "Runner_nodeId_status_idx" ON "Runner"("nodeId", "status");

-- CreateIndex
CREATE INDEX "Runner_status_lastHeartbeatAt_idx" ON "Runner"("status", "lastHeartbeatAt");

-- CreateIndex
CREATE INDEX "Runner_sessionId_idx" ON "Runner"("sessionId");

-- CreateIndex
CREATE INDEX "Session_projectId_lastMessageAt_idx" ON "Session"("projectId", "lastMessageAt" DESC);

-- CreateIndex
CREATE INDEX "Session_lastMessageAt_idx" ON "Session"("lastMessageAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "TranscriptEntry_uuid_key" ON "TranscriptEntry"("uuid");

-- CreateIndex
CREATE INDEX "TranscriptEntry_sessionId_timestamp_idx" ON "TranscriptEntry"("sessionId", "timestamp");

-- CreateIndex
CREATE UNIQUE INDEX "UsageRecord_usageKey_key" ON "UsageRecord"("usageKey");

-- CreateIndex
CREATE INDEX "UsageRecord_occurredAt_idx" ON "UsageRecord"("occurredAt");

-- CreateIndex
CREATE INDEX "UsageRecord_projectId_occurredAt_idx" ON "UsageRecord"("projectId", "occurredAt");

-- CreateIndex
CREATE INDEX "UsageRecord_runnerId_occurredAt_idx" ON "UsageRecord"("runnerId", "occurredAt");

-- CreateIndex
CREATE INDEX "UsageRecord_sessionId_occurredAt_idx" ON "UsageRecord"("sessionId", "occurredAt");

-- CreateIndex
CREATE INDEX "UsageRecord_model_occurredAt_idx" ON "UsageRecord"("model", "occurredAt");

-- CreateIndex
CREATE INDEX "PriceTable_modelPattern_effectiveFrom_idx" ON "PriceTable"("modelPattern", "effectiveFrom" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "PriceTable_version_modelPattern_key" ON "PriceTable"("version", "modelPattern");

-- CreateIndex
CREATE INDEX "Budget_scope_scopeId_idx" ON "Budget"("scope", "scopeId");

-- CreateIndex
CREATE INDEX "Event_entityType_entityId_seq_idx" ON "Event"("entityType", "entityId", "seq");

-- CreateIndex
CREATE INDEX "Event_type_createdAt_idx" ON "Event"("type", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "NotificationChannel_name_key" ON "NotificationChannel"("name");

-- AddForeignKey
ALTER TABLE "ApiToken" ADD CONSTRAINT "ApiToken_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JoinToken" ADD CONSTRAINT "JoinToken_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "JoinToken" ADD CONSTRAINT "JoinToken_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Runner" ADD CONSTRAINT "Runner_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Runner" ADD CONSTRAINT "Runner_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Runner" ADD CONSTRAINT "Runner_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TranscriptEntry" ADD CONSTRAINT "TranscriptEntry_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_runnerId_fkey" FOREIGN KEY ("runnerId") REFERENCES "Runner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "UsageRecord" ADD CONSTRAINT "UsageRecord_nodeId_fkey" FOREIGN KEY ("nodeId") REFERENCES "Node"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Budget" ADD CONSTRAINT "Budget_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
