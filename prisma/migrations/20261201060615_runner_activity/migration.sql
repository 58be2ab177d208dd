-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "activity" TEXT,
ADD COLUMN     "activityAt" TIMESTAMP(3),
ADD COLUMN     "activityLine" TEXT;
