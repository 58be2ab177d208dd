-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "storeCopyFailures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "storeCopyRetryAt" TIMESTAMP(3);
