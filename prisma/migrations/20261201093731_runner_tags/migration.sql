-- AlterTable
ALTER TABLE "Runner" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];
