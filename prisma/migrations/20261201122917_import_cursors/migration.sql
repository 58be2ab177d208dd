-- CreateTable
CREATE TABLE "ImportCursor" (
    "path" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "headSha256" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImportCursor_pkey" PRIMARY KEY ("path")
);
