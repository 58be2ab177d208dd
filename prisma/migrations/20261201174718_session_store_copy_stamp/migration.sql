-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "archivedEntriesAt" TIMESTAMP(3),
ADD COLUMN     "entriesAt" TIMESTAMP(3);

-- stratavore:custom
-- Sessions with archived lines get a stamp, and those whose store copy the old rule (archivedAt
-- not older than the last message) counted as current keep it as current.
UPDATE "Session" s SET "entriesAt" = s."updatedAt"
 WHERE EXISTS (SELECT 1 FROM "TranscriptEntry" e WHERE e."sessionId" = s.id);
UPDATE "Session" SET "archivedEntriesAt" = "entriesAt"
 WHERE "archivedAt" IS NOT NULL AND ("lastMessageAt" IS NULL OR "archivedAt" >= "lastMessageAt");
