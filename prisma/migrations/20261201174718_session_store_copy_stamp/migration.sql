-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "archivedEntriesAt" TIMESTAMP(3),
ADD COLUMN     "entriesAt" TIMESTAMP(3);

-- stratavore:custom
-- Sessions with archived lines get a stamp. Copies the old rule (archivedAt not older than the
-- last message) counted as current stay current for sessions runners worked on. Imported
-- sessions get one more copy: theirs may have been made before all their files were in.
UPDATE "Session" s SET "entriesAt" = now() AT TIME ZONE 'UTC'
 WHERE EXISTS (SELECT 1 FROM "TranscriptEntry" e WHERE e."sessionId" = s.id);
UPDATE "Session" s SET "archivedEntriesAt" = s."entriesAt"
 WHERE s."archivedAt" IS NOT NULL AND (s."lastMessageAt" IS NULL OR s."archivedAt" >= s."lastMessageAt")
   AND EXISTS (SELECT 1 FROM "Runner" r WHERE r."sessionId" = s.id);
