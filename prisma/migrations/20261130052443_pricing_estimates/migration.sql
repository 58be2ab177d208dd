-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "costEstimated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "pricedAs" TEXT;
