-- CreateIndex
CREATE INDEX "Runner_pastSessionIds_idx" ON "Runner" USING GIN ("pastSessionIds");
