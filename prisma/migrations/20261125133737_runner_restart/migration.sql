-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "nextRestartAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Runner_status_nextRestartAt_idx" ON "Runner"("status", "nextRestartAt");
