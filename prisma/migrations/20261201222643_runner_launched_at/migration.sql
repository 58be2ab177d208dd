-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "launchedAt" TIMESTAMP(3);
