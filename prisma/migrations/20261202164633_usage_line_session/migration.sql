-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "lineSessionId" TEXT;
