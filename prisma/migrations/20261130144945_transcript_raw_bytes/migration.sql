-- AlterTable
ALTER TABLE "TranscriptEntry" ADD COLUMN     "rawBytes" BYTEA,
ADD COLUMN     "rawParts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "rawPartsTotal" INTEGER NOT NULL DEFAULT 0;
