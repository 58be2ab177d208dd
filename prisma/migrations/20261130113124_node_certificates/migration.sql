-- AlterTable
ALTER TABLE "Node" ADD COLUMN     "certSerial" TEXT;
