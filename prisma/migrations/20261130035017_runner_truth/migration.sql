-- AlterEnum
ALTER TYPE "RunnerStatus" ADD VALUE 'lost';

-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "capabilities" JSONB;

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "runnerCpuPercent" INTEGER,
ADD COLUMN     "runnerMemoryMb" INTEGER;

-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "cpuLimitPercent" INTEGER,
ADD COLUMN     "labels" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "lostAt" TIMESTAMP(3),
ADD COLUMN     "memoryLimitBytes" BIGINT,
ADD COLUMN     "pauseReason" TEXT,
ADD COLUMN     "pausedByBudgetId" UUID,
ADD COLUMN     "restartDeferredSince" TIMESTAMP(3);
