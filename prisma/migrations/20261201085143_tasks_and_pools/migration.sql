-- CreateEnum
CREATE TYPE "TaskStatus" AS ENUM ('queued', 'running', 'done', 'failed', 'cancelled');

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "hostCpuPercent" DOUBLE PRECISION,
ADD COLUMN     "hostMemoryPercent" DOUBLE PRECISION;

-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "pooled" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "taskId" UUID;

-- CreateTable
CREATE TABLE "Task" (
    "id" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "prompt" TEXT NOT NULL,
    "model" TEXT,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "priority" INTEGER NOT NULL DEFAULT 0,
    "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "status" "TaskStatus" NOT NULL DEFAULT 'queued',
    "runnerId" UUID,
    "outcome" TEXT,
    "source" TEXT NOT NULL DEFAULT 'api',
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Task_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PoolPolicy" (
    "projectId" UUID NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "minRunners" INTEGER NOT NULL DEFAULT 0,
    "maxRunners" INTEGER NOT NULL DEFAULT 3,
    "idleTimeoutSec" INTEGER NOT NULL DEFAULT 300,
    "nodeLabels" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "maxNodeCpuPercent" INTEGER NOT NULL DEFAULT 90,
    "maxNodeMemoryPercent" INTEGER NOT NULL DEFAULT 90,
    "hookTokenHash" TEXT,
    "lastDecision" TEXT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PoolPolicy_pkey" PRIMARY KEY ("projectId")
);

-- CreateIndex
CREATE INDEX "Task_projectId_status_priority_createdAt_idx" ON "Task"("projectId", "status", "priority", "createdAt");

-- CreateIndex
CREATE INDEX "Task_runnerId_idx" ON "Task"("runnerId");

-- CreateIndex
CREATE UNIQUE INDEX "PoolPolicy_hookTokenHash_key" ON "PoolPolicy"("hookTokenHash");

-- AddForeignKey
ALTER TABLE "Task" ADD CONSTRAINT "Task_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PoolPolicy" ADD CONSTRAINT "PoolPolicy_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;
