-- AlterTable
ALTER TABLE "User" ADD COLUMN     "toastEvents" TEXT[] DEFAULT ARRAY[]::TEXT[];
