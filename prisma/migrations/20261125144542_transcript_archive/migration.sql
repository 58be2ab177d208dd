-- DropIndex
DROP INDEX "TranscriptEntry_uuid_key";

-- DropIndex
DROP INDEX "TranscriptEntry_sessionId_timestamp_idx";

-- AlterTable
ALTER TABLE "TranscriptEntry" DROP COLUMN "lineNo",
DROP COLUMN "raw",
ADD COLUMN     "file" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "offset" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "rawLine" TEXT NOT NULL;

-- CreateIndex
CREATE INDEX "TranscriptEntry_sessionId_file_offset_idx" ON "TranscriptEntry"("sessionId", "file", "offset");

-- CreateIndex
CREATE UNIQUE INDEX "TranscriptEntry_sessionId_uuid_key" ON "TranscriptEntry"("sessionId", "uuid");

-- stratavore:custom — hand-written, below the generated part: an expression index that
-- schema.prisma cannot express (full-text search over the archive, DESIGN §5).
CREATE INDEX "TranscriptEntry_text_fts_idx" ON "TranscriptEntry" USING GIN (to_tsvector('english', "text"));
