-- AlterEnum
ALTER TYPE "BudgetPeriod" ADD VALUE 'five_hour';

-- CreateTable
CREATE TABLE "SubscriptionAccount" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "plan" TEXT NOT NULL,
    "windowTokenLimit" INTEGER NOT NULL,
    "weeklyTokenLimit" INTEGER,
    "nodeIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SubscriptionAccount_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SubscriptionAccount_name_key" ON "SubscriptionAccount"("name");
