-- CreateIndex
CREATE INDEX "TranscriptEntry_sessionId_timestamp_idx" ON "TranscriptEntry"("sessionId", "timestamp");
