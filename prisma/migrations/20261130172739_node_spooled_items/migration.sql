-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "spooledItems" INTEGER NOT NULL DEFAULT 0;
