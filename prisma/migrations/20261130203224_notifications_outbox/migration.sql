-- AlterEnum
ALTER TYPE "ChannelKind" ADD VALUE 'in_app';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "toastSeverity" TEXT NOT NULL DEFAULT 'warning';

-- AlterTable
ALTER TABLE "Event" ADD COLUMN     "projectId" UUID;

-- AlterTable
ALTER TABLE "NotificationChannel" ADD COLUMN     "minSeverity" TEXT NOT NULL DEFAULT 'info',
ADD COLUMN     "projectFilter" UUID[];

-- CreateTable
CREATE TABLE "OutboxItem" (
    "id" BIGSERIAL NOT NULL,
    "eventSeq" BIGINT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OutboxItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryAttempt" (
    "id" BIGSERIAL NOT NULL,
    "channelId" UUID NOT NULL,
    "eventSeq" BIGINT NOT NULL,
    "deliveryKey" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "status" INTEGER,
    "latencyMs" INTEGER NOT NULL,
    "excerpt" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DeliveryAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" BIGSERIAL NOT NULL,
    "userId" UUID NOT NULL,
    "eventSeq" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "link" TEXT,
    "readAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "DeliveryAttempt_channelId_id_idx" ON "DeliveryAttempt"("channelId", "id");

-- CreateIndex
CREATE INDEX "DeliveryAttempt_eventSeq_idx" ON "DeliveryAttempt"("eventSeq");

-- CreateIndex
CREATE INDEX "Notification_userId_readAt_idx" ON "Notification"("userId", "readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Notification_userId_eventSeq_key" ON "Notification"("userId", "eventSeq");

-- CreateIndex
CREATE INDEX "Event_projectId_seq_idx" ON "Event"("projectId", "seq");

-- CreateIndex
CREATE INDEX "Event_actorId_seq_idx" ON "Event"("actorId", "seq");

-- CreateIndex
CREATE INDEX "Event_createdAt_idx" ON "Event"("createdAt");

-- AddForeignKey
ALTER TABLE "DeliveryAttempt" ADD CONSTRAINT "DeliveryAttempt_channelId_fkey" FOREIGN KEY ("channelId") REFERENCES "NotificationChannel"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
