-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "deadLetters" INTEGER NOT NULL DEFAULT 0;
