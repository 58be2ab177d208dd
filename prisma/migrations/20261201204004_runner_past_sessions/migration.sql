-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "pastSessionIds" TEXT[] DEFAULT ARRAY[]::TEXT[];
