-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "storeCopyLeaseUntil" TIMESTAMP(3);
